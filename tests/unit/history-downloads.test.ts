import { describe, expect, it } from 'vitest';
import { CSV_MAX_MEASUREMENTS, downloadsFor } from '../../src/lib/store/history-downloads.ts';

describe('the downloads a site offers', () => {
  it('leaves the CSV out of a history too long for it, where the Parquet file holds everything', () => {
    expect(downloadsFor(CSV_MAX_MEASUREMENTS)).toEqual(['history.parquet', 'history.csv.gz']);
    expect(downloadsFor(CSV_MAX_MEASUREMENTS + 1)).toEqual(['history.parquet']);
  });
});
