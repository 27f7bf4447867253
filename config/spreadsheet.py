"""CSV files the product writes are opened in spreadsheets: a cell starting with =, +, -, @, a tab
or a carriage return would be run there as a formula (CSV injection). `neutralise` puts a single
quote before such a cell, which the spreadsheet shows as text; every CSV writer of the product
goes through it (`writer`, `DictWriter`, and the vendor export of the admin)."""

import csv
import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: A plain number such as -4 or -0.5 is data, not a formula: it stays as it is.
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def neutralise(value):
    """The cell to write for `value`: text starting like a formula gets a leading single quote;
    anything else (numbers, other text, None) is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


class _Writer:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row):
        return self._writer.writerow([neutralise(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)

    @property
    def dialect(self):
        return self._writer.dialect


def writer(f, *args, **kwargs):
    """`csv.writer` whose cells are neutralised."""
    return _Writer(csv.writer(f, *args, **kwargs))


class DictWriter(csv.DictWriter):
    """`csv.DictWriter` whose cells are neutralised (the header too)."""

    def writerow(self, rowdict):
        return super().writerow({key: neutralise(value) for key, value in rowdict.items()})

    def writerows(self, rowdicts):
        for rowdict in rowdicts:
            self.writerow(rowdict)
