package webhook

import "encoding/json"

// definition is the `_webhooks` content type, in Flotiq's CTD format (spec
// §1.2, §5.2). Property set and order follow Flotiq's export so that
// exported webhooks import unchanged; Hookline limits actions to those it
// runs, and adds `signing_secret`, `tls_ca_pem` and `timeout_ms`. `url` is
// not in "required" because a code webhook has none; Validate requires it
// for every other webhook.
const definition = `{
  "name": "_webhooks",
  "label": "Webhooks (internal)",
  "internal": true,
  "draftPublic": false,
  "featuredImage": [],
  "schemaDefinition": {
    "type": "object",
    "allOf": [
      {"$ref": "#/components/schemas/AbstractContentTypeSchemaDefinition"},
      {
        "type": "object",
        "properties": {
          "name": {"type": "string", "minLength": 1},
          "type": {"type": "string", "enum": ["async", "sync", "ctd"], "default": "async"},
          "executionMode": {"type": "string", "enum": ["url", "code"], "default": "url"},
          "content_type_definitions": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {"content_type_definition_name": {"type": "string", "minLength": 1}}
            }
          },
          "actions": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {"action": {"type": "string", "enum": ["Create", "Update", "Delete", "Publish", "Unpublish", "Archive", "Custom"], "default": "Create"}}
            }
          },
          "url": {"type": "string", "minLength": 1},
          "code": {"type": "string", "default": ""},
          "headers": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "header_name": {"type": "string", "pattern": "^[A-Za-z0-9-]+$"},
                "header_value": {"type": "string"}
              }
            }
          },
          "enabled": {"type": "boolean"},
          "signing_secret": {"type": "string", "pattern": "^(whsec_[A-Za-z0-9+/]+={0,2})?$"},
          "tls_ca_pem": {"type": "string"},
          "timeout_ms": {"type": "integer", "minimum": 100, "maximum": 30000}
        }
      }
    ],
    "required": ["name", "actions"],
    "additionalProperties": false
  },
  "metaDefinition": {
    "propertiesConfig": {
      "name": {"label": "Name", "inputType": "text", "unique": false, "isTitlePart": true, "helpText": ""},
      "type": {
        "label": "Type", "inputType": "select", "unique": false, "helpText": "",
        "options": ["async", "sync", "ctd"],
        "useOptionsWithLabels": true,
        "optionsWithLabels": [
          {"value": "async", "label": "Content Object Changes Asynchronous (non-blocking)"},
          {"value": "sync", "label": "Content Object Changes Synchronous (block and wait for response)"},
          {"value": "ctd", "label": "Content Type Definition Changes"}
        ]
      },
      "executionMode": {"label": "Execution mode", "inputType": "select", "unique": false, "helpText": "", "options": ["url", "code"]},
      "content_type_definitions": {
        "label": "Content type definitions", "inputType": "object", "unique": false,
        "helpText": "If no type is selected, all types are listened for.",
        "items": {
          "order": ["content_type_definition_name"],
          "propertiesConfig": {
            "content_type_definition_name": {"label": "Content type definition name", "inputType": "text", "unique": false, "helpText": ""}
          }
        }
      },
      "actions": {
        "label": "Actions", "inputType": "object", "unique": false, "helpText": "",
        "items": {
          "order": ["action"],
          "propertiesConfig": {
            "action": {"label": "Action", "inputType": "select", "unique": false, "helpText": "", "options": ["Create", "Update", "Delete", "Publish", "Unpublish", "Archive", "Custom"]}
          }
        }
      },
      "url": {"label": "URL", "inputType": "text", "unique": false, "helpText": ""},
      "code": {"label": "Code", "inputType": "textarea", "unique": false, "helpText": "JavaScript defining _webhook(ctx); only for synchronous webhooks in code mode."},
      "headers": {
        "label": "Headers", "inputType": "object", "unique": false, "helpText": "",
        "items": {
          "order": ["header_name", "header_value"],
          "propertiesConfig": {
            "header_name": {"label": "Header name", "inputType": "text", "unique": false, "helpText": ""},
            "header_value": {"label": "Header value", "inputType": "text", "unique": false, "helpText": ""}
          }
        }
      },
      "enabled": {"label": "Enabled", "inputType": "checkbox", "unique": false, "helpText": ""},
      "signing_secret": {
        "label": "Signing secret", "inputType": "text", "unique": false, "isPassword": true,
        "helpText": "Standard Webhooks secret (whsec_…). When set, every request carries a webhook-signature header."
      },
      "tls_ca_pem": {
        "label": "Trusted certificate", "inputType": "textarea", "unique": false,
        "helpText": "PEM certificate(s) to trust for this webhook's https URL, besides the system's (e.g. a local self-signed receiver)."
      },
      "timeout_ms": {
        "label": "Timeout (ms)", "inputType": "number", "unique": false,
        "helpText": "Synchronous webhooks only: how long a save waits for the answer (default 5000 for a URL, 2000 for code; at most 30000)."
      }
    },
    "order": ["name", "type", "executionMode", "content_type_definitions", "actions", "url", "code", "headers", "enabled", "signing_secret", "tls_ca_pem", "timeout_ms"]
  }
}`

// Definition returns the `_webhooks` content type definition, ready to be
// installed as an internal type.
func Definition() json.RawMessage {
	return json.RawMessage(definition)
}
