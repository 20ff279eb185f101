"""Building the dataset from the seeds: curated rows, reference data, evidence, ids, derivation, shapes, and the
build directories a build is written to."""
