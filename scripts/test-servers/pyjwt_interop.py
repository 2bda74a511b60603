#!/usr/bin/env python3
"""Encodes and decodes JWTs with PyJWT for InboxTokenPyJWTTests (inbox tokens must interoperate
with the JWT library a CRM backend would use). Runs under var/pyjwt/venv (scripts/setup.sh).

stdin: a JSON list of cases, each
  {"op": "encode", "payload": {...}, "key": "...", "alg": "HS256"}  -> {"token": "..."}
  {"op": "decode", "token": "...", "key": "..."}                    -> {"claims": {...}} | {"error": "Type: text"}
stdout: a JSON list of answers in the same order. Decoding accepts HS256 only and requires
sub, iat and exp, as a backend checking Accolade's tokens would."""
import json
import sys

import jwt


def answer(case):
    if case["op"] == "encode":
        key = case.get("key")
        return {"token": jwt.encode(case["payload"], key, algorithm=case.get("alg", "HS256"))}
    try:
        claims = jwt.decode(case["token"], case["key"], algorithms=["HS256"], options={"require": ["sub", "iat", "exp"]})
        return {"claims": claims}
    except jwt.PyJWTError as error:
        return {"error": f"{type(error).__name__}: {error}"}


def main():
    cases = json.load(sys.stdin)
    json.dump([answer(case) for case in cases], sys.stdout)
    print(jwt.__version__, file=sys.stderr)


if __name__ == "__main__":
    main()
