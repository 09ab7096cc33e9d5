"""Psychometric analysis of delivered forms: the app's side of `psychometrics/`.

It turns exported CSV files (the `flask item-analysis` command) or a form's
attempts into the matrices `psychometrics/` works on, and the results into
reports, stored item statistics, rescored attempts and standard-setting
sessions.
"""
