import flowscope


def test_public_api_all_is_sorted_and_importable():
    assert flowscope.__all__ == sorted(flowscope.__all__, key=str.casefold)
    for name in flowscope.__all__:
        assert hasattr(flowscope, name), name
