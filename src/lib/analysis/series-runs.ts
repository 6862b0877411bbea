/**
 * The runs a series is made of, as SQL over the metrics table: the default branch's (a run that knows no branch counts as one), but never a
 * bisect's, which measures old commits today and would read as the series going back in time.
 */
export const ON_BASELINE_BRANCH = "((git_branch = $branch OR git_branch IS NULL) AND run_type <> 'bisect')";
