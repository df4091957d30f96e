import pytest

from workbench.io.json_text import JsonInputError, load_json


def test_parses_plain_json_and_bom():
    assert load_json(b'\xef\xbb\xbf{"a": [1, 2.5, "x"]}', "f.json") == {"a": [1, 2.5, "x"]}


@pytest.mark.parametrize("text, message", [
    ('{"a": 1,}', "f.json: not valid JSON (Expecting property name enclosed in double quotes at line 1, column 9)"),
    ('{"a": 1, "a": 2}', "f.json: duplicate key 'a'"),
    ('{"a": NaN}', "f.json: non-finite number NaN"),
    ('[Infinity]', "f.json: non-finite number Infinity"),
    ("[" * 65 + "]" * 65, "f.json: nested 65 levels deep (limit 64)"),
])
def test_refusals_name_the_source_and_the_problem(text, message):
    with pytest.raises(JsonInputError) as info:
        load_json(text, "f.json")
    assert str(info.value).startswith(message)


def test_brackets_inside_strings_do_not_count_as_nesting():
    assert load_json('{"a": "' + "[" * 500 + '"}', "f.json") == {"a": "[" * 500}


def test_deep_nesting_is_refused_without_recursion_error():
    with pytest.raises(JsonInputError, match="nested 100000 levels"):
        load_json("[" * 100_000 + "]" * 100_000, "f.json")


def test_size_limit_and_bad_utf8():
    with pytest.raises(JsonInputError, match="larger than the 10-byte limit"):
        load_json(b'{"a": "0123456789"}', "f.json", max_bytes=10)
    with pytest.raises(JsonInputError, match="not UTF-8"):
        load_json(b'{"a": "\xff"}', "f.json")
