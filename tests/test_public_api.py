import flowscope


def test_public_api_all_is_sorted_and_importable():
    assert list(flowscope.__all__) == sorted(flowscope.__all__)
    for name in flowscope.__all__:
        assert hasattr(flowscope, name), name
