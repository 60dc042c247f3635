"""Crafted workbooks (workbook bombs): refused before they are opened, or read for what their XML holds, never for what
their `<dimension>` claims; the upload's request reads nothing of them; the check stops at its time limit."""

import re
import struct
import zipfile
from io import BytesIO

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

import reports.importing
import reports.xlsx_reading
from cases.models import Household, Member
from reports import import_tasks
from reports.import_tasks import import_households_task, import_upload
from reports.importing import MEMBER_SHEET, roster_read
from reports.models import ImportJob, ImportStatus
from reports.xlsx_reading import ELEMENTS_MARGIN, MAX_CELLS_PER_ROW, WorkbookRefused
from tests.reports.test_import import roster_bytes, upload_of, write_roster

ROW_BUDGET = 500  # the rows a reader may produce for a roster of six rows, whatever its XML claims
STRINGS = "xl/sharedStrings.xml"
SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path


@pytest.fixture
def rows_produced(monkeypatch):
    """Counts the rows the sheet readers produce (openpyxl's, which fills in every row of `<dimension>`, and ours)
    and fails the test as soon as they pass ROW_BUDGET, instead of letting it run for hours."""
    produced = {"rows": 0}

    def counted(reader):
        def wrapper(*args, **kwargs):
            for row in reader(*args, **kwargs):
                produced["rows"] += 1
                if produced["rows"] > ROW_BUDGET:
                    raise AssertionError(f"the reader made up more than {ROW_BUDGET} rows")
                yield row

        return wrapper

    monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", counted(ReadOnlyWorksheet._cells_by_row))
    monkeypatch.setattr(reports.importing, "xml_rows", counted(reports.importing.xml_rows))
    return produced


def sheet_part(content: bytes, sheet: str) -> str:
    return load_workbook(BytesIO(content), read_only=True)[sheet]._worksheet_path


def rezipped(content: bytes, changes=None, added=None) -> bytes:
    """The workbook zipped again by hand, with parts changed (a function of the part's bytes) or added."""
    source, output = zipfile.ZipFile(BytesIO(content)), BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, (changes or {}).get(name, lambda data: data)(data))
        for name, data in (added or {}).items():
            target.writestr(name, data)
    return output.getvalue()


def far_cell(reference: str):
    """The sheet claims every cell of Excel (A1:XFD1048576) and holds one more, at `reference`, in row 1048576."""

    def change(xml: bytes) -> bytes:
        xml = re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:XFD1048576"/>', xml)
        cell = f'<row r="1048576"><c r="{reference}" t="inlineStr"><is><t>x</t></is></c></row>'.encode()
        return xml.replace(b"</sheetData>", cell + b"</sheetData>")

    return change


def dimension_bomb(reference: str = "XFD1048576") -> bytes:
    content = roster_bytes()
    return rezipped(content, {sheet_part(content, MEMBER_SHEET): far_cell(reference)})


def declared_size(content: bytes, name: str, size: int) -> bytes:
    """The archive with the central directory declaring that part `name` unpacks to `size` bytes."""
    data = bytearray(content)
    position = data.find(b"PK\x01\x02")
    while position != -1:
        length = struct.unpack_from("<H", data, position + 28)[0]
        if data[position + 46 : position + 46 + length].decode() == name:
            struct.pack_into("<I", data, position + 24, size)
            return bytes(data)
        position = data.find(b"PK\x01\x02", position + 46)
    raise AssertionError(f"no part {name}")


def giant_string(size: int) -> bytes:
    return (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>'
        + b"A" * size
        + b"</t></si></sst>"
    )


def test_a_far_cell_under_a_huge_dimension_is_one_row_not_a_million(client, caseworker, tree, rows_produced):
    roster = roster_read(BytesIO(dimension_bomb()), user=caseworker)
    assert roster.errors == [] and (len(roster.households), roster.member_count) == (2, 4)
    assert rows_produced["rows"] < 20


def test_a_far_row_with_something_in_the_roster_columns_is_refused(caseworker, tree, rows_produced, settings):
    [error] = roster_read(BytesIO(dimension_bomb("B1048576")), user=caseworker).errors
    assert error["sheet"] == MEMBER_SHEET and f"{settings.IMPORT_MAX_ROWS}" in error["message"]
    assert rows_produced["rows"] < 20


def test_the_upload_job_and_the_pages_of_a_dimension_bomb_stay_small(
    client, caseworker, tree, rows_produced, django_capture_on_commit_callbacks
):
    client.force_login(caseworker)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/imports/upload/", {"organization": tree["county"].pk, "file": upload_of(dimension_bomb())})
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.VALID and job.rows == 4
    assert client.get(f"/imports/{job.pk}/").status_code == 200  # the preview reads the file too
    client.post(f"/imports/{job.pk}/commit/")
    assert Member.objects.count() == 4 and rows_produced["rows"] < 60


def test_the_command_dry_run_of_a_dimension_bomb_finishes(tmp_path, caseworker, tree, capsys, rows_produced):
    call_command("import_households", write_roster(tmp_path, dimension_bomb()), "--org", "330281", "--dry-run")
    assert "2 households, 4 members" in capsys.readouterr().out and Household.objects.count() == 0


def test_the_upload_request_reads_nothing_of_the_file(client, caseworker, tree, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("the upload's request opened the workbook")

    monkeypatch.setattr(reports.importing, "open_workbook", never)
    monkeypatch.setattr(reports.xlsx_reading, "check_archive", never)
    client.force_login(caseworker)
    response = client.post("/imports/upload/", {"organization": tree["county"].pk, "file": upload_of(dimension_bomb())})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and (job.status, job.rows) == (ImportStatus.QUEUED, 0)


@pytest.fixture
def never_opened(monkeypatch):
    """Fails the test if openpyxl is asked to open the file: a refused archive is refused before."""

    def never(*args, **kwargs):
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr(reports.xlsx_reading, "load_workbook", never)


def test_a_giant_shared_string_is_refused_before_it_is_unpacked(caseworker, tree, never_opened, settings):
    bomb = rezipped(roster_bytes(), added={STRINGS: giant_string(8 * 1024 * 1024)})
    assert len(bomb) < 100_000
    job = import_tasks.import_check(
        job=import_upload(organization=tree["county"], by=caseworker, upload=upload_of(bomb))
    )
    [error] = job.errors
    assert job.status == ImportStatus.INVALID and STRINGS in error["message"]
    assert f"{settings.IMPORT_MAX_COMPRESSION_RATIO}" in error["message"] and Household.objects.count() == 0


def test_a_part_declaring_a_huge_size_is_refused_before_it_is_unpacked(tmp_path, caseworker, tree, never_opened):
    content = rezipped(roster_bytes(), added={STRINGS: giant_string(10)})
    bomb = declared_size(content, STRINGS, 3_000_000_000)
    assert zipfile.ZipFile(BytesIO(bomb)).getinfo(STRINGS).file_size == 3_000_000_000
    with pytest.raises(CommandError, match="2861 MB"):
        call_command("import_households", write_roster(tmp_path, bomb), "--org", "330281", "--dry-run")
    assert Household.objects.count() == 0


def test_a_part_loaded_whole_has_a_lower_limit_than_a_streamed_sheet(caseworker, tree, settings):
    # The shared strings are unpacked whole by openpyxl; the sheets are streamed, a row at a time.
    settings.IMPORT_MAX_LOADED_PART_BYTES = 20_000
    content = roster_bytes()
    note = '<row r="9"><c r="BR9" t="inlineStr"><is><t>' + "备注" * 5000 + "</t></is></c></row></sheetData>"
    longer_sheet = {sheet_part(content, MEMBER_SHEET): lambda xml: xml.replace(b"</sheetData>", note.encode())}
    accepted = rezipped(content, longer_sheet)
    assert zipfile.ZipFile(BytesIO(accepted)).getinfo(sheet_part(content, MEMBER_SHEET)).file_size > 20_000
    assert roster_read(BytesIO(accepted), user=caseworker).errors == []
    with pytest.raises(WorkbookRefused, match=STRINGS):
        roster_read(BytesIO(rezipped(content, added={STRINGS: giant_string(30_000)})), user=caseworker)


def test_shared_strings_declared_under_the_sheets_folder_keep_the_lower_limit(caseworker, tree, settings):
    # openpyxl finds the shared strings by the type the manifest declares, wherever the part lies.
    settings.IMPORT_MAX_LOADED_PART_BYTES = 20_000
    moved = "xl/worksheets/strings.xml"

    def declared_elsewhere(xml: bytes) -> bytes:
        xml = re.sub(rb'<Override PartName="/xl/sharedStrings.xml"[^>]*/>', b"", xml)
        override = f'<Override PartName="/{moved}" ContentType="{SHARED_STRINGS_TYPE}"/>'.encode()
        return xml.replace(b"</Types>", override + b"</Types>")

    crafted = rezipped(roster_bytes(), {"[Content_Types].xml": declared_elsewhere}, added={moved: giant_string(30_000)})
    assert load_workbook(BytesIO(crafted), read_only=True).worksheets[0]._shared_strings[0] == "A" * 30_000
    with pytest.raises(WorkbookRefused, match=moved):
        roster_read(BytesIO(crafted), user=caseworker)


def test_parts_that_unpack_to_too_much_together_are_refused(caseworker, tree, never_opened, settings):
    content = roster_bytes()
    total = sum(part.file_size for part in zipfile.ZipFile(BytesIO(content)).infolist())
    settings.IMPORT_MAX_UNPACKED_BYTES = total - 1
    with pytest.raises(WorkbookRefused, match="解压后共有"):
        roster_read(BytesIO(content), user=caseworker)


def test_the_errors_download_of_a_bomb_reads_no_more_than_the_check(client, caseworker, tree, rows_produced):
    job = import_upload(organization=tree["county"], by=caseworker, upload=upload_of(dimension_bomb("B1048576")))
    job = import_tasks.import_check(job=job)
    client.force_login(caseworker)
    response = client.get(f"/imports/{job.pk}/errors.xlsx")
    assert response.status_code == 200 and load_workbook(BytesIO(response.content)).sheetnames[1:] == [
        "家庭",
        "家庭成员",
    ]
    assert rows_produced["rows"] < 40


def test_the_errors_download_of_a_refused_archive_is_404(client, caseworker, tree):
    bomb = rezipped(roster_bytes(), added={STRINGS: giant_string(8 * 1024 * 1024)})
    job = import_tasks.import_check(
        job=import_upload(organization=tree["county"], by=caseworker, upload=upload_of(bomb))
    )
    client.force_login(caseworker)
    assert client.get(f"/imports/{job.pk}/errors.xlsx").status_code == 404


def with_rows_of_empty_cells(rows: int, cells: int):
    """Rows of styled empty cells far to the right of the roster, under it: nothing to import, much to parse."""

    def change(xml: bytes) -> bytes:
        row = "".join(f'<c r="{column}{{row}}" s="{index % 7}"/>' for index, column in enumerate(columns(cells)))
        added = "".join(f'<row r="{number}">{row.format(row=number)}</row>' for number in range(10, 10 + rows))
        return xml.replace(b"</sheetData>", added.encode() + b"</sheetData>")

    return change


def columns(count: int) -> list[str]:
    return [get_column_letter(100 + index) for index in range(count)]


@pytest.mark.parametrize(("rows", "cells"), [(1, MAX_CELLS_PER_ROW + 1), (200, 1000)], ids=["one row", "many rows"])
def test_a_sheet_of_far_more_cells_than_data_is_refused_early(caseworker, tree, monkeypatch, rows, cells):
    content = roster_bytes()
    bomb = rezipped(content, {sheet_part(content, MEMBER_SHEET): with_rows_of_empty_cells(rows, cells)})
    seen = {"cells": 0}
    convert = reports.xlsx_reading.column_index_from_string

    def counted(letters):
        seen["cells"] += 1
        return convert(letters)

    monkeypatch.setattr(reports.xlsx_reading, "column_index_from_string", counted)
    [error] = roster_read(BytesIO(bomb), user=caseworker).errors
    assert error["sheet"] == MEMBER_SHEET and "单元格远多于" in error["message"]
    assert (
        seen["cells"] <= ELEMENTS_MARGIN + 2 * MAX_CELLS_PER_ROW
    )  # the check stopped, not at the end of 200,000 cells


def test_a_check_stopped_at_its_time_limit_has_errors_and_cannot_be_imported(caseworker, tree, monkeypatch, settings):
    def slow(**kwargs):
        raise SoftTimeLimitExceeded()

    job = import_upload(organization=tree["county"], by=caseworker, upload=upload_of(dimension_bomb()))
    monkeypatch.setattr(import_tasks, "import_check", slow)
    import_households_task(job.pk, "check", caseworker.pk, "zh-hans")
    job.refresh_from_db()
    assert job.status == ImportStatus.INVALID and "分钟" in job.errors[0]["message"] and job.error
    assert import_households_task.soft_time_limit == settings.IMPORT_TASK_SOFT_TIME_LIMIT
    assert import_households_task.time_limit > import_households_task.soft_time_limit


def test_a_commit_stopped_at_its_time_limit_failed_and_wrote_nothing(caseworker, tree, monkeypatch):
    job = import_tasks.import_check(
        job=import_upload(organization=tree["county"], by=caseworker, upload=upload_of(roster_bytes()))
    )

    def slow(**kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(reports.import_tasks, "roster_write", slow)
    import_households_task(job.pk, "commit", caseworker.pk, "en")
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "minutes" in job.error and Household.objects.count() == 0


def test_a_sheet_that_declares_entities_is_refused(caseworker, tree):
    # Entity expansion ("billion laughs") is how a small XML file grows in memory: the parsers refuse any entity.
    content = roster_bytes()
    laughs = b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'

    def with_entities(xml: bytes) -> bytes:
        xml = re.sub(rb"^<\?xml[^>]*\?>", b"", xml)
        return laughs + xml.replace(
            b"</sheetData>", b'<row r="9"><c r="A9" t="inlineStr"><is><t>&b;</t></is></c></row></sheetData>'
        )

    crafted = rezipped(content, {sheet_part(content, MEMBER_SHEET): with_entities})
    with pytest.raises(WorkbookRefused):
        roster_read(BytesIO(crafted), user=caseworker)
    assert Household.objects.count() == 0
