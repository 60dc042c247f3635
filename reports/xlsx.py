"""Writing big .xlsx sheets row by row: XlsxWriter in constant-memory mode (openpyxl stays for reading).

Each row goes to a temporary file as soon as the next one starts, so memory does not grow with the rows; the sheet's
XML is assembled from that file when the workbook closes. For the household ledger's cells XlsxWriter was 1.4 to 1.6
times as fast as openpyxl's write-only mode (benchmarks/ledger_bench.py; lxml is not installed), and it lets the
header's filter be set after the last row.

Every value is written by its type, never by guessing from a string: text is always text (a string starting with
`=` is not a formula, `http://` not a link, `12` not a number), and text that Excel would read as a formula when the
cell is edited (`=`, `+`, `-`, `@`, tab, carriage return) is marked with a quote prefix.
"""

import contextlib
import tempfile
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter
from django.utils import timezone

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
# A text cell starting with one of these would be read by Excel as a formula (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset(FORMULA_STARTS)
MAX_ROWS = 1_048_575  # Excel's 1,048,576 rows, less the header

OPTIONS = {
    "constant_memory": True,
    # Belt and braces: the sheet writes text with write_string, but nothing should ever turn it into a formula, a link
    # or a number.
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "default_date_format": DATE_FORMAT,
}


class Book:
    """An XlsxWriter workbook with the ledger's formats; use `open_book`, which closes it or cleans up after it."""

    def __init__(self, target, tmpdir: str):
        # A path (str or Path) or a binary file (BytesIO, TemporaryFile): XlsxWriter writes the zip to either. Not
        # 'in_memory', which would turn constant-memory mode off; the rows go to files in `tmpdir` until the close.
        self.workbook = xlsxwriter.Workbook(target, {**OPTIONS, "tmpdir": tmpdir})
        self.bold = self.workbook.add_format({"bold": True})
        self.money = self.workbook.add_format({"num_format": MONEY_FORMAT})
        self.date = self.workbook.add_format({"num_format": DATE_FORMAT})
        self.quoted = self.workbook.add_format({"quote_prefix": True})
        self.sheets: list[Sheet] = []

    def sheet(self, title: str, columns: Sequence[tuple[str, str]], widths: dict[str, int] | None = None) -> "Sheet":
        sheet = Sheet(self, title, columns, widths or {})
        self.sheets.append(sheet)
        return sheet

    def close(self) -> None:
        for sheet in self.sheets:
            sheet.close()
        self.workbook.close()

    def abandon(self) -> None:
        """After an error: close the sheets' row files (their directory is removed), write nothing to the target."""
        for sheet in self.sheets:
            handle = getattr(sheet.worksheet, "row_data_fh", None)
            if handle is not None and not handle.closed:
                handle.close()


@contextlib.contextmanager
def open_book(target) -> Iterator[Book]:
    """A workbook written to `target` when the block ends; after an error nothing is written and no file is left."""
    with tempfile.TemporaryDirectory(prefix="xlsx-") as tmpdir:
        book = Book(target, tmpdir)
        try:
            yield book
        except BaseException:
            book.abandon()
            raise
        book.close()


class Sheet:
    """A sheet with a bold, frozen header row, set column widths, a filter over header and rows, and typed cells.

    `append` takes the row's values in the order of the columns: text, int, float, Decimal (money format), date
    (date format) or None (an empty cell; so is ""). Rows are written in order and cannot be changed afterwards.
    """

    def __init__(self, book: Book, title: str, columns: Sequence[tuple[str, str]], widths: dict[str, int]):
        self.book = book
        self.worksheet = book.workbook.add_worksheet(title[:31])
        self.width = len(columns)
        self.rows = 0  # data rows written, without the header
        self.closed = False
        for index, (key, header) in enumerate(columns):
            # Chinese characters are about two units wide.
            self.worksheet.set_column(index, index, widths.get(key, max(10, len(header) * 2 + 2)))
        self.worksheet.freeze_panes(1, 0)
        for index, (_key, header) in enumerate(columns):
            self.worksheet.write_string(0, index, header, book.bold)

    def append(self, values: Sequence) -> None:
        """Write one row. The innermost loop of every ledger: one type test per cell, then XlsxWriter's own writer."""
        if len(values) != self.width:
            raise ValueError(f"{self.worksheet.name}: a row of {len(values)} values for {self.width} columns")
        if self.rows >= MAX_ROWS:  # XlsxWriter would drop the cells without a word
            raise ValueError(f"{self.worksheet.name}: a sheet holds {MAX_ROWS:,} rows under its header")
        self.rows += 1
        row, book, worksheet = self.rows, self.book, self.worksheet
        write_string, write_number = worksheet.write_string, worksheet.write_number
        for column, value in enumerate(values):
            kind = value.__class__
            if kind is str:
                if value:
                    if value[0] in _FORMULA_FIRST:
                        write_string(row, column, value, book.quoted)
                    else:
                        write_string(row, column, value)
            elif value is None:
                continue
            elif kind is int:
                write_number(row, column, value)
            elif kind is Decimal:
                write_number(row, column, value, book.money)
            elif kind is date:
                worksheet.write_datetime(row, column, value, book.date)
            else:
                self._write_other(row, column, value)

    def _write_other(self, row: int, column: int, value) -> None:
        """Subclasses and the rarer types, the same way as `append`."""
        book, worksheet = self.book, self.worksheet
        if isinstance(value, bool):
            worksheet.write_boolean(row, column, value)
        elif isinstance(value, str):
            self._write_text(row, column, str(value))
        elif isinstance(value, Decimal):
            worksheet.write_number(row, column, value, book.money)
        elif isinstance(value, int | float):
            worksheet.write_number(row, column, value)
        elif isinstance(value, datetime):
            local = timezone.make_naive(value) if timezone.is_aware(value) else value
            worksheet.write_datetime(row, column, local, book.date)
        elif isinstance(value, date):
            worksheet.write_datetime(row, column, value, book.date)
        else:
            self._write_text(row, column, str(value))

    def _write_text(self, row: int, column: int, text: str) -> None:
        if text:
            quoted = self.book.quoted if text[0] in _FORMULA_FIRST else None
            self.worksheet.write_string(row, column, text, quoted)

    def close(self) -> None:
        """The filter covers the header and every row written: set once the last row is known."""
        if not self.closed:
            self.closed = True
            self.worksheet.autofilter(0, 0, self.rows, self.width - 1)
