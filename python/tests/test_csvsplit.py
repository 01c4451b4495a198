import pytest

from wdl_features import RowError
from wdl_features.csvsplit import is_blank, lines, split

COMMA, TAB = ord(","), ord("\t")


def test_lines_bom_crlf_and_last_line_without_newline():
    assert lines(b"\xef\xbb\xbfa,b\r\n1,2\n3,4") == [b"a,b", b"1,2", b"3,4"]
    assert lines(b"a\n\n") == [b"a", b""]


def test_blank_lines():
    assert is_blank(b"") and is_blank(b"  \t ") and not is_blank(b" x")


def test_spaces_trimmed_around_unquoted_fields_only_when_asked():
    assert split(b" a , b ,c", COMMA, True) == [b"a", b"b", b"c"]
    assert split(b" a , b ", COMMA, False) == [b" a ", b" b "]
    assert split(b"a,,", COMMA, True) == [b"a", b"", b""]
    # Tabs are not trimmed.
    assert split(b"\ta\t,b", COMMA, True) == [b"\ta\t", b"b"]


def test_quotes():
    assert split(b'"a,b","say ""hi""" , c', COMMA, True) == [b"a,b", b'say "hi"', b"c"]
    assert split(b'"x"\t"y"', TAB, False) == [b"x", b"y"]
    assert split(b'a"b,c', COMMA, True) == [b'a"b', b"c"]  # a quote inside an unquoted field is a byte


@pytest.mark.parametrize("line", [b'"abc', b'"a"b,c', b'x,"y'])
def test_bad_quotes_refuse_the_row(line):
    with pytest.raises(RowError):
        split(line, COMMA, True)
