# Settings → API keys, and the page that shows a new key once.

apikeys-heading = API keys
apikeys-intro = Keys let your own programs (trading bots) act for you within the scopes you give them. They cannot change your password, 2FA or keys, and never act as staff.
apikeys-none = No API keys.
apikeys-col-key = Key
apikeys-col-name = Name
apikeys-col-scopes = Scopes
apikeys-col-addresses = Addresses
apikeys-col-expires = Expires
apikeys-col-last-used = Last used
apikeys-any-address = any
apikeys-never = never
apikeys-revoke-confirm = Revoke this key? Programs using it stop working at once.
apikeys-revoke = Revoke
apikeys-revoked = API key revoked.
apikeys-name = Name
apikeys-scopes = Scopes
apikeys-scope-read = read: see offers, trades, balances, events
apikeys-scope-trade = trade: offers, trades and their steps (signed)
apikeys-scope-withdraw = withdraw: withdrawals (signed)
apikeys-allowed-ips = Only from these addresses (optional)
apikeys-last-day = Last day (optional)
apikeys-create = Create API key

apikeys-created-title = API key
apikeys-created-heading = Your new API key
apikeys-copy-now = Copy it now: it is shown only this once. Anyone holding it can act as you within its scopes ({ $scopes }).
apikeys-send-as = Send it as
apikeys-signed-calls = Calls that move money must also be signed, and then
apikeys-signed-calls-after = is enough, with a timestamp, a nonce and an HMAC-SHA256 signature (see the README's bot API section).
apikeys-back-to-settings = Back to settings
