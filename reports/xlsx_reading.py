"""Reading an uploaded workbook without trusting it: the archive's sizes are checked before anything is unpacked, and
a sheet is read as the row elements its XML holds, up to a row limit, never as its `<dimension>` claims.

openpyxl's read-only sheet makes every row and column its `<dimension>` names (`A1:XFD1048576` is 17 billion cells
for one real cell) and unpacks the shared strings whole; a 2.5 KB or 1.5 MB upload could pin or exhaust a worker.
"""

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.xml.functions import fromstring, iterparse

from accounts.errors import DomainError

MB = 1024 * 1024
SHEETS_FOLDER = "xl/worksheets/"
MANIFEST = "[Content_Types].xml"
CONTENT_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
RATIO_GRACE_BYTES = MB  # small parts compress as they like; a bomb needs size as well as a ratio
HIDDEN_WORDS = {"1", "true"}
MAX_CELLS_PER_ROW = 16_384  # Excel's columns
# XML elements a sheet may hold: this many per row with data (a roster's row has about 100), and a margin (column
# widths, formatted empty cells). Every reading of a checked file (the preview, the marked copy, a direct commit) is
# then bounded by its rows of data, not by its XML.
ELEMENTS_PER_DATA_ROW = 1024
ELEMENTS_MARGIN = 131_072
DIGITS = "0123456789"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
ROW, CELL, VALUE, TEXT, PHONETIC = f"{MAIN}row", f"{MAIN}c", f"{MAIN}v", f"{MAIN}t", f"{MAIN}rPh"


class WorkbookRefused(DomainError):
    pass


class SheetTooBig(WorkbookRefused):
    pass


def _not_a_workbook() -> WorkbookRefused:
    return WorkbookRefused(_("This file is not an Excel workbook (.xlsx); save it as .xlsx and upload it again."))


def check_archive(file) -> None:
    """Refuse an archive whose parts would unpack to more than the limits, before any part is unpacked.

    The sizes are the ones the archive declares: Python's zip reader never gives more than the declared size of a part
    (more data fails its CRC), so checking the declarations bounds what openpyxl can unpack."""
    try:
        file.seek(0)
        archive = zipfile.ZipFile(file)
        parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise _not_a_workbook() from error
    sheet_limit, total_limit = settings.IMPORT_MAX_PART_BYTES, settings.IMPORT_MAX_UNPACKED_BYTES
    loaded_limit, ratio_limit = settings.IMPORT_MAX_LOADED_PART_BYTES, settings.IMPORT_MAX_COMPRESSION_RATIO
    streamed = _streamed_sheets(archive, loaded_limit)
    total = 0
    for part in parts:
        total += part.file_size
        # Sheets are streamed (`sheet_rows`); openpyxl loads every other part whole: shared strings, styles, ...
        part_limit = sheet_limit if part.filename in streamed else loaded_limit
        if part.file_size > part_limit:
            raise WorkbookRefused(
                _("The file is refused: its part %(part)s unpacks to %(size)d MB, more than the %(limit)d MB an import "
                  "reads. Nothing was imported.")
                % {"part": part.filename[:100], "size": part.file_size // MB, "limit": part_limit // MB}
            )  # fmt: skip
        if part.file_size > RATIO_GRACE_BYTES and part.file_size > ratio_limit * max(part.compress_size, 1):
            raise WorkbookRefused(
                _("The file is refused: its part %(part)s is compressed %(ratio)d times, more than the %(limit)d times "
                  "of any workbook saved by Excel. Nothing was imported.")
                % {"part": part.filename[:100], "ratio": part.file_size // max(part.compress_size, 1),
                   "limit": ratio_limit}
            )  # fmt: skip
    if total > total_limit:
        raise WorkbookRefused(
            _("The file is refused: it unpacks to %(size)d MB, more than the %(limit)d MB an import reads. "
              "Nothing was imported.") % {"size": total // MB, "limit": total_limit // MB}
        )  # fmt: skip


def _streamed_sheets(archive: zipfile.ZipFile, loaded_limit: int) -> set[str]:
    """The parts the manifest declares worksheets: openpyxl finds the shared strings by their declared type, not their
    folder, so a part under xl/worksheets/ declared as shared strings is loaded whole and gets the lower limit."""
    manifest = next((part for part in archive.infolist() if part.filename == MANIFEST), None)
    if manifest is None or manifest.file_size > loaded_limit:
        return set()  # openpyxl refuses a workbook without a manifest; an oversized one is refused below
    try:
        root = fromstring(archive.read(manifest))
    except (zipfile.BadZipFile, ParseError, OSError, ValueError, EOFError) as error:
        raise _not_a_workbook() from error
    declared = {
        override.get("PartName", "").lstrip("/")
        for override in root.iter(f"{CONTENT_TYPES}Override")
        if override.get("ContentType") == WORKSHEET_TYPE
    }
    return {name for name in declared if name.startswith(SHEETS_FOLDER)}


def open_workbook(file):
    """A read-only workbook once its archive passed `check_archive`, or a WorkbookRefused that says why not."""
    check_archive(file)
    try:
        file.seek(0)
        return load_workbook(file, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises zip, XML and key errors alike for a file that is not .xlsx
        raise _not_a_workbook() from error


def is_hidden(worksheet) -> bool:
    return worksheet.sheet_state != "visible"  # "hidden", or "veryHidden" (only a macro can show it)


@dataclass(frozen=True)
class SheetRow:
    number: int  # as Excel shows it
    values: tuple  # the first `columns` cells, None where a cell is missing
    hidden: bool

    @property
    def is_empty(self) -> bool:
        return all(value is None or (isinstance(value, str) and not value.strip()) for value in self.values)


def _too_long(worksheet, last_row: int) -> SheetTooBig:
    return SheetTooBig(
        _("The sheet %(sheet)s has rows below row %(limit)d; an import reads at most %(limit)d rows of a sheet. Split "
          "the file, or delete what is below the data.") % {"sheet": worksheet.title, "limit": last_row}
    )  # fmt: skip


def _too_wide(worksheet) -> SheetTooBig:
    return SheetTooBig(
        _("The sheet %(sheet)s holds far more cells than its rows of data (formatting or content beside the roster). "
          "Copy the roster's columns into a new workbook and upload that.") % {"sheet": worksheet.title}
    )  # fmt: skip


def sheet_rows(worksheet, *, columns: int, last_row: int) -> Iterator[SheetRow]:
    """Every row element of a read-only sheet's XML, up to row `last_row`, with the values of its first `columns` cells.

    Streamed element by element, each dropped once read, so memory stays flat however the XML is built: no row is made
    up for a `<dimension>` (a sheet that is one cell at XFD1048576 is one row), no row is held whole (openpyxl's parser
    holds each row element with all its cells). A row below `last_row` holding something in those columns, more row
    elements than `last_row`, or a row of more cells than Excel has columns raise SheetTooBig; empty rows below the
    limit (a stray cell far to the right) are passed over. A row of more cells than Excel has columns, or more cell
    XML elements than ELEMENTS_PER_DATA_ROW per row with data and ELEMENTS_MARGIN, raise it too."""
    workbook = worksheet.parent
    convert = _Values(worksheet._shared_strings, workbook.epoch, workbook._date_formats, workbook._timedelta_formats)
    stack: list = []
    visited = number = column = cells = elements = data_rows = 0
    values: list = []
    hidden = False
    kind = style = raw = None
    texts: list[str] = []
    phonetic = 0  # inside <rPh>: the reading of a name, not its text
    with worksheet._get_source() as source:
        try:
            for event, element in iterparse(source, events=("start", "end")):
                tag = element.tag
                if event == "start":
                    stack.append(element)
                    elements += 1
                    if elements > ELEMENTS_PER_DATA_ROW * data_rows + ELEMENTS_MARGIN:
                        raise _too_wide(worksheet)
                    if tag == CELL:
                        cells += 1
                        reference = element.get("r")
                        column = column_index_from_string(reference.rstrip(DIGITS)) if reference else column + 1
                        kind, style, raw, texts = element.get("t", "n"), element.get("s"), None, []
                        if cells > MAX_CELLS_PER_ROW:
                            raise _too_wide(worksheet)
                    elif tag == ROW:
                        visited += 1
                        number = int(element.get("r") or number + 1)
                        hidden = element.get("hidden", "").lower() in HIDDEN_WORDS
                        values, column, cells = [None] * columns, 0, 0
                        if visited > last_row:
                            raise _too_long(worksheet, last_row)
                    elif tag == PHONETIC:
                        phonetic += 1
                    continue
                stack.pop()
                if tag == VALUE:
                    raw = element.text
                elif tag == TEXT and not phonetic:
                    texts.append(element.text or "")
                elif tag == PHONETIC:
                    phonetic -= 1
                elif tag == CELL and 1 <= column <= columns:
                    values[column - 1] = convert(kind, style, raw, texts)
                elif tag == ROW:
                    row = SheetRow(number, tuple(values), hidden)
                    data_rows += not row.is_empty
                    if number <= last_row:
                        yield row
                    elif not row.is_empty:
                        raise _too_long(worksheet, last_row)
                if stack:
                    del stack[-1][-1]  # the element that ended is its parent's last child: drop it once read
        except (ValueError, KeyError, IndexError, TypeError, OverflowError, ParseError) as error:
            raise _not_a_workbook() from error


class _Values:
    """A cell's value from its type, style and text, as openpyxl's own reader gives it (data only: no formulas)."""

    def __init__(self, shared_strings, epoch, date_styles, timedelta_styles):
        self.shared_strings, self.epoch = shared_strings, epoch
        self.date_styles, self.timedelta_styles = date_styles, timedelta_styles

    def __call__(self, kind: str, style: str | None, raw: str | None, texts: list[str]):
        if kind == "inlineStr":
            return "".join(texts) if texts else None
        if raw is None or raw == "":
            return None
        if kind == "s":
            return self.shared_strings[int(raw)]
        if kind == "b":
            return bool(int(raw))
        if kind in ("str", "e"):
            return raw
        if kind == "d":
            return from_ISO8601(raw)
        number = float(raw) if "." in raw or "e" in raw or "E" in raw else int(raw)
        style_id = int(style) if style else 0
        if style_id in self.date_styles:
            try:
                return from_excel(number, self.epoch, timedelta=style_id in self.timedelta_styles)
            except (OverflowError, ValueError):
                return "#VALUE!"
        return number
