/**
 * An example retrieval workload, measured for real: embeddings generated with a fixed seed are
 * inserted into DuckDB and searched exactly (core array_cosine_similarity, no extension) and
 * approximately (an inverted-file index: probe only the cells of the nearest centroids). The exact
 * search is the ground truth the approximate one is scored against (MRR, NDCG@10); a query cache
 * (LRU) is fed a Zipf-distributed query stream. Corpus size and dimensions are fixed, so every mode
 * measures the same thing; modes change only how many queries and samples are taken.
 */
import { ARRAY, arrayValue, type DuckDBConnection, FLOAT } from '@duckdb/node-api';
import { randomLcg, randomNormal, randomUniform } from 'd3-random';
import { LRUCache } from 'lru-cache';
import { mean } from 'simple-statistics';
import { openDuckDB, queryRows } from '../src/lib/store/duckdb.ts';
import { measurePeakMemoryGb } from './peak-memory.ts';
import { defineSuite, timeSeconds } from './suite.ts';

const DOCUMENTS = 20_000;
const DIMENSIONS = 64;
const TOPICS = 40;
const CELLS = 64;
const PROBES = 4;
const TOP_K = 10;
const CACHE_CAPACITY = 200;
const DISTINCT_QUERIES = 5_000;
const CACHE_REQUESTS = 20_000;
const ZIPF_EXPONENT = 1.0;

const VECTOR = ARRAY(FLOAT, DIMENSIONS);

function normalise(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const x of vector) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  return vector.map((x) => x / norm);
}

/** Documents drawn around topic centres, as real embeddings cluster by subject. */
function generateEmbeddings(count: number, seed: number): Float32Array[] {
  const source = randomLcg(seed);
  const gaussian = randomNormal.source(source)(0, 1);
  const pick = randomUniform.source(source)(0, TOPICS);
  const topics = Array.from({ length: TOPICS }, () => Float32Array.from({ length: DIMENSIONS }, gaussian));
  return Array.from({ length: count }, () => {
    const topic = topics[Math.floor(pick())] ?? topics[0];
    return normalise(Float32Array.from({ length: DIMENSIONS }, (_, i) => (topic?.[i] ?? 0) + 0.6 * gaussian()));
  });
}

async function insertDocuments(connection: DuckDBConnection, table: string, embeddings: readonly Float32Array[]): Promise<void> {
  await connection.run(`CREATE OR REPLACE TABLE ${table} (id INTEGER, embedding FLOAT[${DIMENSIONS}])`);
  const appender = await connection.createAppender(table);
  embeddings.forEach((embedding, id) => {
    appender.appendInteger(id);
    appender.appendArray(arrayValue(Array.from(embedding)), VECTOR);
    appender.endRow();
  });
  appender.closeSync();
}

/** Coarse quantiser: CELLS documents picked with the seed act as centroids; each document joins its nearest. */
async function buildIndex(connection: DuckDBConnection): Promise<void> {
  await connection.run(
    `CREATE OR REPLACE TABLE centroids AS SELECT row_number() OVER () AS cell, embedding FROM (SELECT embedding FROM docs ORDER BY hash(id) LIMIT ${CELLS})`,
  );
  await connection.run(`
    CREATE OR REPLACE TABLE cells AS
    SELECT d.id, arg_max(c.cell, array_cosine_similarity(d.embedding, c.embedding)) AS cell, any_value(d.embedding) AS embedding
    FROM docs AS d CROSS JOIN centroids AS c GROUP BY d.id`);
}

async function exactSearch(connection: DuckDBConnection, query: Float32Array): Promise<number[]> {
  const rows = await queryRows<{ id: number }>(
    connection,
    `SELECT id FROM docs ORDER BY array_cosine_similarity(embedding, $q) DESC, id LIMIT ${TOP_K}`,
    { q: arrayValue(Array.from(query)) },
    { q: VECTOR },
  );
  return rows.map((row) => row.id);
}

async function approximateSearch(connection: DuckDBConnection, query: Float32Array): Promise<number[]> {
  const rows = await queryRows<{ id: number }>(
    connection,
    `WITH probe AS (SELECT cell FROM centroids ORDER BY array_cosine_similarity(embedding, $q) DESC LIMIT ${PROBES})
     SELECT id FROM cells SEMI JOIN probe USING (cell)
     ORDER BY array_cosine_similarity(embedding, $q) DESC, id LIMIT ${TOP_K}`,
    { q: arrayValue(Array.from(query)) },
    { q: VECTOR },
  );
  return rows.map((row) => row.id);
}

/** Reciprocal rank of the true best document in the approximate list (0 when it is missing). */
export function reciprocalRank(truth: readonly number[], found: readonly number[]): number {
  const rank = found.indexOf(truth[0] ?? -1);
  return rank < 0 ? 0 : 1 / (rank + 1);
}

/** NDCG@k with graded relevance from the exact ranking: the true best document is worth k, the k-th worth 1. */
export function ndcgAtK(truth: readonly number[], found: readonly number[], k = TOP_K): number {
  const gain = (id: number) => {
    const rank = truth.indexOf(id);
    return rank < 0 || rank >= k ? 0 : k - rank;
  };
  const dcg = (ids: readonly number[]) => ids.slice(0, k).reduce((sum, id, i) => sum + gain(id) / Math.log2(i + 2), 0);
  const ideal = dcg(truth);
  return ideal === 0 ? 0 : dcg(found) / ideal;
}

/** Draws ranks 0…n−1 with probability ∝ 1/(rank+1)^s. */
export function zipfSampler(n: number, exponent: number, uniform: () => number): () => number {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let rank = 0; rank < n; rank++) {
    total += 1 / (rank + 1) ** exponent;
    cumulative[rank] = total;
  }
  return () => {
    const target = uniform() * total;
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((cumulative[middle] ?? 0) < target) low = middle + 1;
      else high = middle;
    }
    return low;
  };
}

export function cacheHitRate(seed: number): number {
  const uniform = randomUniform.source(randomLcg(seed))(0, 1);
  const nextQuery = zipfSampler(DISTINCT_QUERIES, ZIPF_EXPONENT, uniform);
  const cache = new LRUCache<number, true>({ max: CACHE_CAPACITY });
  let hits = 0;
  for (let request = 0; request < CACHE_REQUESTS; request++) {
    const query = nextQuery();
    if (cache.get(query)) hits++;
    else cache.set(query, true);
  }
  return hits / CACHE_REQUESTS;
}

/** The whole workload in one process, run in a child by the peak-memory measurement. */
export async function buildAndSearch(): Promise<void> {
  const connection = await openDuckDB();
  await insertDocuments(connection, 'docs', generateEmbeddings(DOCUMENTS, 0.11));
  await buildIndex(connection);
  for (const query of generateEmbeddings(10, 0.97)) {
    await exactSearch(connection, query);
    await approximateSearch(connection, query);
  }
  connection.closeSync();
}

export default defineSuite({
  name: 'retrieval',
  description: `Vector search in DuckDB over ${DOCUMENTS.toLocaleString('en')} generated ${DIMENSIONS}-dimensional embeddings, exact and approximate (IVF, ${PROBES}/${CELLS} cells probed), with an LRU query cache.`,
  metrics: {
    insert_throughput: {
      unit: 'vectors/s',
      direction: 'higher',
      description: `Embeddings inserted per second through the DuckDB appender (${DOCUMENTS.toLocaleString('en')} per sample).`,
    },
    search_latency: {
      unit: 's',
      direction: 'lower',
      description: `Mean time of one exact top-${TOP_K} cosine search over the whole corpus.`,
    },
    approx_search_latency: {
      unit: 's',
      direction: 'lower',
      description: `Mean time of one approximate top-${TOP_K} search probing ${PROBES} of ${CELLS} cells.`,
    },
    mrr: {
      unit: 'score',
      direction: 'higher',
      description: 'Mean reciprocal rank of the exact best match in the approximate results (0–1).',
    },
    ndcg_at_10: { unit: 'score', direction: 'higher', description: 'NDCG@10 of the approximate results against the exact ranking (0–1).' },
    cache_hit_rate: {
      unit: 'ratio',
      direction: 'higher',
      description: `Hit rate of a ${CACHE_CAPACITY}-entry LRU cache under a Zipf(s=${ZIPF_EXPONENT}) stream over ${DISTINCT_QUERIES.toLocaleString('en')} distinct queries (0–1).`,
    },
    peak_memory: {
      unit: 'GB',
      direction: 'lower',
      description: 'Peak resident memory of a process that inserts the corpus, builds the index and runs searches.',
    },
  },
  async setup(context) {
    const connection = await openDuckDB();
    const embeddings = generateEmbeddings(DOCUMENTS, 0.11);
    await insertDocuments(connection, 'docs', embeddings);
    await buildIndex(connection);
    return { connection, embeddings, queries: context.byMode({ quick: 20, standard: 50, comprehensive: 200 }), round: 0 };
  },
  async sample(state, context) {
    state.round++;
    context.step('insert_throughput');
    const insertSeconds = await timeSeconds(() => insertDocuments(state.connection, 'docs_insert', state.embeddings));
    await state.connection.run('DROP TABLE docs_insert');

    const queries = generateEmbeddings(state.queries, 0.5 + state.round / 1000);
    context.step('search_latency');
    const truths: number[][] = [];
    const exactSeconds = await timeSeconds(async () => {
      for (const query of queries) truths.push(await exactSearch(state.connection, query));
    });
    context.step('approx_search_latency');
    const found: number[][] = [];
    const approxSeconds = await timeSeconds(async () => {
      for (const query of queries) found.push(await approximateSearch(state.connection, query));
    });
    context.step('peak_memory');
    const peakMemory = await measurePeakMemoryGb(import.meta.url, 'buildAndSearch');
    context.step('cache_hit_rate');
    return {
      insert_throughput: DOCUMENTS / insertSeconds,
      search_latency: exactSeconds / queries.length,
      approx_search_latency: approxSeconds / queries.length,
      mrr: mean(truths.map((truth, i) => reciprocalRank(truth, found[i] ?? []))),
      ndcg_at_10: mean(truths.map((truth, i) => ndcgAtK(truth, found[i] ?? []))),
      cache_hit_rate: cacheHitRate(0.3 + state.round / 1000),
      peak_memory: peakMemory,
    };
  },
  async teardown(state) {
    state.connection.closeSync();
  },
});
