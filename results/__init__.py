"""The examination result: the part scored by key under the form's scoring
rules and revisions, joined with the rated part under the form's pass rule;
rescoring, release to candidates, and the feedback letter they read."""
