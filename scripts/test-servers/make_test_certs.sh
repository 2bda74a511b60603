#!/usr/bin/env bash
# Makes a throw-away CA and server certificates for TLS tests on loopback (needs `openssl`).
#
# Usage: scripts/test-servers/make_test_certs.sh DIR
#
# Writes into DIR (created if needed), all server certificates sharing one key, so a server can
# swap certificates by replacing only the .pem file:
#   ca.pem, ca.key      the throw-away CA (give ca.pem to Accolade as ca_file)
#   server.key          the servers' private key
#   trusted.pem         signed by the CA for 127.0.0.1, ::1 and localhost
#   untrusted.pem       self-signed for the same names (curl 60: self-signed certificate)
#   expired.pem         signed by the CA, valid only in January 2020 (curl 60: certificate has expired)
#   wronghost.pem       signed by the CA for other.example only (curl 60: no alternative subject name matches)
#   localhost.pem       signed by the CA for the name localhost only (no IP address: the PostgreSQL
#                       TLS tests reach it as localhost to pass verify-full and as 127.0.0.1 to fail it)
#   client.pem, client.key  a client certificate signed by the CA for the user accolade_cert
#   sns-signing.pem, sns-signing.key  an RSA 2048 certificate signed by the CA, as Amazon SNS signs
#                       its messages with (the SES bounce tests sign SNS messages with the key)
# Prints DIR on stdout when done. Nothing here is secret: the files live as long as the test.
set -euo pipefail

dir=${1:?usage: make_test_certs.sh DIR}
mkdir -p "$dir"
cd "$dir"

# EC P-256 keys: fast to make, accepted by libcurl/OpenSSL 3 and Python's ssl module.
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

key ca.key
openssl req -x509 -new -key ca.key -out ca.pem -days 30 -subj "/CN=Accolade throw-away test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

key server.key
openssl req -new -key server.key -out server.csr -subj "/CN=127.0.0.1" 2>/dev/null

names="subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost"
printf '%s\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' "$names" > trusted.ext
printf 'subjectAltName=DNS:other.example\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > wronghost.ext
printf 'subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > localhost.ext
printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n' > client.ext

openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -set_serial 2 -days 30 -extfile trusted.ext -out trusted.pem 2>/dev/null
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -set_serial 3 -days 30 -extfile wronghost.ext -out wronghost.pem 2>/dev/null
# Its own subject too: libpq falls back to the common name when no SAN is an IP address.
openssl req -new -key server.key -out localhost.csr -subj "/CN=localhost" 2>/dev/null
openssl x509 -req -in localhost.csr -CA ca.pem -CAkey ca.key -set_serial 5 -days 30 -extfile localhost.ext -out localhost.pem 2>/dev/null
key client.key
openssl req -new -key client.key -out client.csr -subj "/CN=accolade_cert" 2>/dev/null
openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -set_serial 6 -days 30 -extfile client.ext -out client.pem 2>/dev/null
# SNS signs with RSA (SHA1withRSA or SHA256withRSA); the key must be RSA, 2048 bits or more.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out sns-signing.key 2>/dev/null
openssl req -new -key sns-signing.key -out sns.csr -subj "/CN=sns.test-region.amazonaws.test" 2>/dev/null
openssl x509 -req -in sns.csr -CA ca.pem -CAkey ca.key -set_serial 7 -days 30 -out sns-signing.pem 2>/dev/null
openssl req -x509 -key server.key -out untrusted.pem -days 30 -subj "/CN=127.0.0.1" -addext "$names" 2>/dev/null

# `openssl x509` cannot back-date a certificate; the `ca` command can, with a minimal database.
mkdir -p expired.db
: > expired.db/index.txt
echo 04 > expired.db/serial
cat > expired.cnf <<EOF
[ ca ]
default_ca = expired
[ expired ]
database = expired.db/index.txt
new_certs_dir = expired.db
serial = expired.db/serial
default_md = sha256
policy = any
unique_subject = no
x509_extensions = server
[ any ]
commonName = supplied
[ server ]
$names
basicConstraints = CA:FALSE
extendedKeyUsage = serverAuth
EOF
openssl ca -batch -config expired.cnf -cert ca.pem -keyfile ca.key -in server.csr -out expired.pem -notext \
  -startdate 20200101000000Z -enddate 20200131000000Z 2>/dev/null

rm -rf server.csr localhost.csr client.csr sns.csr trusted.ext wronghost.ext localhost.ext client.ext expired.cnf expired.db
echo "$dir"
