-- A webhook may trust a certificate its https receiver presents besides the
-- system's roots (a local self-signed receiver). Like the URL, headers and
-- secret, it is snapshotted into the payload when the delivery is queued.
ALTER TABLE delivery_payloads ADD COLUMN tls_ca_pem TEXT NOT NULL DEFAULT '';
