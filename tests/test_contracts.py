"""Bad input: one test per kind, each checking that the message names file, row, column and value."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import tiny_spec

from bnn_lib.contracts import DataError, check_answers, check_kawasan, check_respondents, read_table
from bnn_lib.spec import load_spec

SPEC = tiny_spec()


def write(tmp_path, name: str, frame: pd.DataFrame) -> pd.DataFrame:
    path = tmp_path / name
    if path.suffix == ".xlsx":
        frame.to_excel(path, index=False)
    else:
        frame.to_csv(path, index=False)
    return read_table(path)


def people(**overrides) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "respondent_id": ["r1", "r2", "r3", "r4"],
            "kabkota_code": "11.01",
            "group": ["a", "a", "b", "b"],
        }
    )
    for column, (row, value) in overrides.items():
        frame.loc[row, column] = value
    return frame


def answers(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["respondent_id", "item_id", "value"])


GOOD = [("r1", "i1a", 4), ("r1", "i1b", 2), ("r3", "i2a", 3)]


def test_good_tables_pass(tmp_path):
    checked = check_respondents(write(tmp_path, "resp.csv", people()), SPEC)
    out = check_answers(write(tmp_path, "ans.csv", answers(GOOD)), SPEC, checked.table)
    assert out.table["value"].dtype == float


def test_unknown_region_code(tmp_path):
    with pytest.raises(DataError) as info:
        check_respondents(write(tmp_path, "resp.csv", people(kabkota_code=(2, "11.99"))), SPEC)
    assert "resp.csv: row 4, column 'kabkota_code': unknown kab/kota code" in str(info.value)
    assert "'11.99'" in str(info.value)


def test_unknown_item_id(tmp_path):
    resp = check_respondents(people(), SPEC).table
    with pytest.raises(DataError) as info:
        check_answers(write(tmp_path, "ans.csv", answers([*GOOD, ("r2", "i9z", 3)])), SPEC, resp)
    assert "ans.csv: row 5, column 'item_id': unknown item id (not in spec tiny) (value 'i9z')" in str(info.value)


def test_answer_outside_the_scale(tmp_path):
    resp = check_respondents(people(), SPEC).table
    with pytest.raises(DataError) as info:
        check_answers(write(tmp_path, "ans.csv", answers([("r1", "i1a", 5), *GOOD, ("r2", "i1a", 0)])), SPEC, resp)
    message = str(info.value)
    assert "2 problem(s)" in message
    assert "row 2, column 'value': answer outside the scale 1–4 or a missing code [9.0] (value 5" in message
    assert "row 6, column 'value'" in message  # every problem, not only the first


def test_wrong_type(tmp_path):
    resp = check_respondents(people(), SPEC).table
    with pytest.raises(DataError) as info:
        check_answers(write(tmp_path, "ans.csv", answers([*GOOD, ("r2", "i1a", "tiga")])), SPEC, resp)
    assert "row 5, column 'value'" in str(info.value) and "'tiga'" in str(info.value)
    assert "1 problem(s)" in str(info.value)  # the valid numbers beside it are not reported


def test_duplicate_respondent_id(tmp_path):
    frame = write(tmp_path, "resp.csv", people(respondent_id=(3, "r1"), group=(3, "a")))
    with pytest.raises(
        DataError,
        match=r"resp.csv: row 5, column 'respondent_id': duplicate respondent id \(first at row 2\)",
    ):
        check_respondents(frame, SPEC)


def test_respondent_in_two_kabkota(tmp_path):
    frame = write(tmp_path, "resp.csv", people(respondent_id=(3, "r1"), kabkota_code=(3, "11.02")))
    with pytest.raises(
        DataError, match=r"row 5, column 'respondent_id': respondent in two kab/kota \['11.01', '11.02'\]"
    ):
        check_respondents(frame, SPEC)


def test_group_with_no_respondents(tmp_path):
    frame = write(tmp_path, "resp.csv", people(group=(2, "a")).assign(group="a"))
    with pytest.raises(
        DataError, match=r"column 'group': respondent group of the spec has no respondents \(value 'b'\)"
    ):
        check_respondents(frame, SPEC)


def test_group_missing_in_one_kabkota_is_a_warning(tmp_path):
    frame = pd.concat([people(), pd.DataFrame({"respondent_id": ["r9"], "kabkota_code": ["11.02"], "group": ["a"]})])
    checked = check_respondents(write(tmp_path, "resp.csv", frame), SPEC)
    assert [str(w) for w in checked.warnings] == [
        "resp.csv: column 'group': no respondents in kab/kota 11.02 (value 'b')"
    ]


def test_unknown_group(tmp_path):
    with pytest.raises(DataError, match=r"row 3, column 'group': unknown respondent group"):
        check_respondents(write(tmp_path, "resp.csv", people(group=(1, "polisi"))), SPEC)


def test_item_not_asked_of_the_group(tmp_path):
    resp = check_respondents(people(), SPEC).table
    with pytest.raises(DataError, match=r"row 5, column 'item_id': item not asked of respondent group 'a'"):
        check_answers(write(tmp_path, "ans.csv", answers([*GOOD, ("r2", "i2a", 3)])), SPEC, resp)


def test_unknown_respondent_in_answers(tmp_path):
    resp = check_respondents(people(), SPEC).table
    with pytest.raises(DataError, match=r"row 5, column 'respondent_id': unknown respondent"):
        check_answers(write(tmp_path, "ans.csv", answers([*GOOD, ("r77", "i1a", 3)])), SPEC, resp)


def test_missing_column(tmp_path):
    with pytest.raises(DataError, match=r"resp.csv: column 'group': required column is missing"):
        check_respondents(write(tmp_path, "resp.csv", people().drop(columns="group")), SPEC)


def test_excel_codes_typed_as_numbers_are_restored(tmp_path):
    frame = pd.DataFrame({"respondent_id": ["r1", "r2"], "kabkota_code": [11.1, 11.01], "group": ["a", "b"]})
    table = write(tmp_path, "resp.xlsx", frame)
    assert list(table["kabkota_code"]) == ["11.10", "11.01"]
    assert check_respondents(table, SPEC).table is not None


def test_many_problems_are_capped_but_counted(tmp_path):
    resp = check_respondents(people(), SPEC).table
    rows = [("r1", "i1a", 7)] * 80
    with pytest.raises(DataError) as info:
        check_answers(write(tmp_path, "ans.csv", answers(rows)), SPEC, resp)
    assert "60 more rows fail this check" in str(info.value)


def test_kawasan_bad_indicator_and_phase(tmp_path):
    spec = load_spec("ikkrn-dayatif-2024")
    columns = spec.status_rule.pokok + spec.status_rule.pendukung
    frame = pd.DataFrame(
        [["K1", "11.01", 2024, "mapping", *[0] * 13], ["K2", "11.01", 2024, "sesudah", 2, *[0] * 12]],
        columns=["kawasan_id", "kabkota_code", "year", "phase", *columns],
    )
    with pytest.raises(DataError) as info:
        check_kawasan(write(tmp_path, "kawasan.csv", frame), spec)
    message = str(info.value)
    assert "kawasan.csv: row 3, column 'phase': phase must be mapping, before or after (value 'sesudah')" in message
    assert "kawasan.csv: row 3, column 'kasus_narkoba': indicator must be 0 or 1 (value 2" in message
