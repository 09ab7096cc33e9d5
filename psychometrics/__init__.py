"""Psychometrics in numpy: scoring, classical item analysis, simulation.

No Flask or SQLAlchemy here: functions take arrays and return dataclasses of
arrays, so the app, the command line and the benchmarks share them.

The layout, everywhere in this package:

- persons x items. `choices` is an int8 matrix of selected options coded
  0, 1, 2, ... (A, B, C, ...), with `OMITTED` (-1) where nothing was chosen.
- `keys` is a boolean matrix items x options: True for every option that
  scores (several keys per item are allowed; a dropped item has none).
- `scored` is float64 persons x items: 0/1 for selected response, rubric
  points where items are polytomous. Omitted scores 0.
- A statistic that is undefined for the data (a constant column, too few
  persons) is NaN in the arrays and None when turned into plain values
  (`plain`), never a crash.
"""

OMITTED = -1
