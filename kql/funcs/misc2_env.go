package funcs

import (
	"github.com/huntpack/huntpack/kql/types"
)

// Environment functions. The local engine has no Azure AD identity and no
// ingestion cursors: it answers as one fixed local principal that belongs
// to no group, and its cursor is the query's fixed "now" instant.

// M2LocalPrincipal is the principal the local engine runs queries as.
const M2LocalPrincipal = "localuser=huntpack"

func addMisc2Env(r *Registry) {
	scalar(r, "current_principal", "current_principal(): string",
		"Returns the principal running the query; locally the fixed \""+M2LocalPrincipal+"\".",
		0, 0, fixed(types.String), func(*Context, []types.Value) types.Value { return strV(M2LocalPrincipal) })
	scalar(r, "current_principal_details", "current_principal_details(): dynamic",
		"Returns details of the principal running the query; locally a fixed local principal without a tenant.",
		0, 0, fixed(types.Dynamic), func(*Context, []types.Value) types.Value {
			return dynValue(map[string]any{
				"Type": "LocalUser", "DisplayName": "huntpack local engine", "UserPrincipalName": nil,
				"IdentityProvider": nil, "Authority": nil, "ObjectId": nil, "Mfa": "False",
				"FQN": M2LocalPrincipal, "Country": nil, "TenantCountry": nil, "TenantRegion": nil, "Notes": nil,
			})
		})
	scalar(r, "current_principal_is_member_of", "current_principal_is_member_of(group: string|dynamic, ...): bool",
		"Checks group membership of the principal running the query; the local principal is a member of no group, so false (true only for its own name).",
		1, 64, fixed(types.Bool), m2IsMemberOf)
	scalar(r, "cursor_current", "cursor_current(): string",
		"Returns the current database cursor; locally the query's fixed now() instant as a string.",
		0, 0, fixed(types.String), func(c *Context, _ []types.Value) types.Value {
			if c == nil {
				return strV("")
			}
			return strV(types.FormatValue(types.DateTimeValue(types.TicksFromTime(c.Now))))
		}, "current_cursor")
}

// m2IsMemberOf: true only when one of the names is the local principal.
func m2IsMemberOf(_ *Context, a []types.Value) types.Value {
	for _, v := range a {
		if v.T == types.Dynamic {
			if arr, ok := v.D.([]any); ok {
				for _, e := range arr {
					if s, ok := e.(string); ok && s == M2LocalPrincipal {
						return boolV(true)
					}
				}
			}
			continue
		}
		if s, ok := asString(v); ok && s == M2LocalPrincipal {
			return boolV(true)
		}
	}
	return boolV(false)
}
