"""CSV cells a spreadsheet opens safely: text that it could run as a formula
(starting =, +, -, @, a tab or a carriage return) is quoted with an apostrophe;
numbers stay numbers. Every CSV export writes its cells through `cell`."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return "" if value is None else value
