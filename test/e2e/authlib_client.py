"""Another ecosystem's OAuth client against the running service: Python's authlib gets
tokens with client_secret_basic and client_secret_post and creates, updates and deletes a
player; PyJWT verifies each token from the published JWKS alone."""

import os

import jwt
import requests
from authlib.integrations.requests_client import OAuth2Session

base, client_id, client_secret = (os.environ[k] for k in ("BASE_URL", "CLIENT_ID", "CLIENT_SECRET"))
jwks = jwt.PyJWKClient(f"{base}/.well-known/jwks.json")
metadata = requests.get(f"{base}/.well-known/oauth-authorization-server").json()
assert metadata["token_endpoint"] == f"{base}/auth/token", metadata


def check(response, status):
    assert response.status_code == status, (response.status_code, response.text)
    return response


for number, method in ((91, "client_secret_basic"), (92, "client_secret_post")):
    session = OAuth2Session(client_id, client_secret, scope="write", token_endpoint_auth_method=method)
    token = session.fetch_token(metadata["token_endpoint"], grant_type="client_credentials")
    assert token["token_type"].lower() == "bearer" and token["scope"] == "write", token

    access_token = token["access_token"]
    assert jwt.get_unverified_header(access_token)["typ"] == "at+jwt"
    claims = jwt.decode(
        access_token,
        jwks.get_signing_key_from_jwt(access_token).key,
        algorithms=["EdDSA"],
        audience="players-api",
        issuer=metadata["issuer"],
        options={"require": ["exp", "iat", "sub", "jti"]},
    )
    assert claims["client_id"] == client_id and claims["scope"] == "write", claims

    player = {"firstName": "Authlib", "lastName": method, "squadNumber": number, "position": "Forward"}
    created = check(session.post(f"{base}/players/", json=player), 201).json()
    assert created["squadNumber"] == number
    check(session.put(f"{base}/players/squadnumber/{number}", json={**player, "team": "PyPI FC"}), 204)
    assert check(session.get(f"{base}/players/squadnumber/{number}"), 200).json()["team"] == "PyPI FC"
    check(session.delete(f"{base}/players/squadnumber/{number}"), 204)
    check(session.get(f"{base}/players/squadnumber/{number}"), 404)
    print(f"authlib {method}: token, PyJWT verification, create/update/delete: ok")
