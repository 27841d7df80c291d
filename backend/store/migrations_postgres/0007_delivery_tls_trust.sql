-- PostgreSQL twin of migrations/0007_delivery_tls_trust.sql.
ALTER TABLE delivery_payloads ADD COLUMN tls_ca_pem TEXT NOT NULL DEFAULT '';
