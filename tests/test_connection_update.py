"""UpdateConnection stores its merged result only when that result is a whole connection."""

from __future__ import annotations

import pytest

from conftest import error_of

OAUTH = {
    "ClientParameters": {"ClientID": "id", "ClientSecret": "secret"},
    "AuthorizationEndpoint": "https://auth.example.com/token",
    "HttpMethod": "POST",
}


def connection(events, auth_type: str, auth: dict) -> dict:
    events.create_connection(Name="c", AuthorizationType=auth_type, AuthParameters=auth)
    out = events.describe_connection(Name="c")
    out.pop("ResponseMetadata")
    return out


@pytest.mark.parametrize(("start_type", "start", "new_type", "update", "missing"), [
    ("BASIC", {"BasicAuthParameters": {"Username": "u", "Password": "p"}},
     "OAUTH_CLIENT_CREDENTIALS", {"OAuthParameters": {"AuthorizationEndpoint": "https://a.example.com", "HttpMethod": "GET"}},
     "authParameters.oAuthParameters.clientParameters"),
    ("API_KEY", {"ApiKeyAuthParameters": {"ApiKeyName": "k", "ApiKeyValue": "v"}},
     "BASIC", {"BasicAuthParameters": {"Username": "u"}}, "authParameters.basicAuthParameters.password"),
    ("BASIC", {"BasicAuthParameters": {"Username": "u", "Password": "p"}},
     "API_KEY", {"ApiKeyAuthParameters": {"ApiKeyValue": "v"}}, "authParameters.apiKeyAuthParameters.apiKeyName"),
    ("OAUTH_CLIENT_CREDENTIALS", {"OAuthParameters": OAUTH},
     "API_KEY", {"ApiKeyAuthParameters": {"ApiKeyName": "k"}}, "authParameters.apiKeyAuthParameters.apiKeyValue"),
])
def test_switching_authorization_type_without_the_new_types_required_parameters_is_refused(
    events, start_type, start, new_type, update, missing
):
    before = connection(events, start_type, start)
    with pytest.raises(events.exceptions.ClientError) as excinfo:
        events.update_connection(Name="c", AuthorizationType=new_type, AuthParameters=update)
    code, message = error_of(excinfo)
    assert code == "ValidationException"
    assert f"at '{missing}' failed to satisfy constraint: Member must not be null" in message
    after = events.describe_connection(Name="c")
    after.pop("ResponseMetadata")
    assert after == before


def test_switching_authorization_type_without_any_auth_parameters_is_refused(events):
    before = connection(events, "BASIC", {"BasicAuthParameters": {"Username": "u", "Password": "p"}})
    with pytest.raises(events.exceptions.ClientError) as excinfo:
        events.update_connection(Name="c", AuthorizationType="OAUTH_CLIENT_CREDENTIALS")
    assert error_of(excinfo)[0] == "ValidationException"
    after = events.describe_connection(Name="c")
    after.pop("ResponseMetadata")
    assert after == before


def test_switching_authorization_type_with_every_required_parameter_is_accepted(events):
    connection(events, "BASIC", {"BasicAuthParameters": {"Username": "u", "Password": "p"}})
    events.update_connection(Name="c", AuthorizationType="OAUTH_CLIENT_CREDENTIALS",
                             AuthParameters={"OAuthParameters": OAUTH})
    described = events.describe_connection(Name="c")
    assert described["AuthorizationType"] == "OAUTH_CLIENT_CREDENTIALS"
    assert described["AuthParameters"]["OAuthParameters"]["ClientParameters"] == {"ClientID": "id"}


def test_a_partial_update_of_the_same_type_keeps_the_stored_secrets(events):
    connection(events, "API_KEY", {"ApiKeyAuthParameters": {"ApiKeyName": "k", "ApiKeyValue": "v"}})
    events.update_connection(Name="c", AuthParameters={"ApiKeyAuthParameters": {"ApiKeyName": "k2"}})
    assert events.describe_connection(Name="c")["AuthParameters"]["ApiKeyAuthParameters"] == {"ApiKeyName": "k2"}
