"""Page numbers out of every range answer as a page that does not exist, never as a server error."""

import pytest


@pytest.mark.parametrize("number", ["1905794836532405248", str(2**64), "99"])
@pytest.mark.parametrize("size", ["-10423572366", "10"])
def test_a_page_number_past_the_end_is_a_404(api, account_list, number, size):
    response = api.get("/api/v2/account_lists", **{"page[number]": number, "page[size]": size})

    assert response.status_code == 404
    assert response.json()["errors"][0]["detail"]


def test_the_first_page_of_account_lists_still_answers(api, account_list):
    response = api.get("/api/v2/account_lists", **{"page[number]": "1", "page[size]": "-5"})

    assert response.status_code == 200
    assert [item["id"] for item in response.json()["data"]] == [str(account_list.pk)]


@pytest.mark.parametrize("number", ["abc", "0", "-1", "1.5"])
def test_a_page_number_that_is_not_a_whole_number_from_1_is_a_400_naming_the_parameter(api, account_list, number):
    response = api.get(f"/api/v2/account_lists/{account_list.pk}/imports", **{"page[number]": number})

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["source"] == {"parameter": "page[number]"}
    assert repr(number) in error["detail"]
