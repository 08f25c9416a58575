package render

import (
	"encoding/json"
	"fmt"

	"github.com/huntpack/huntpack/pack"
)

// DefenderLookback is the window of custom detections: they run hourly
// (schedule frequency PT1H) over the last four hours (lookback PT4H).
const DefenderLookback = "4h"

func init() {
	register(Format{Name: "defender", Doc: "Defender XDR custom detection rules (Microsoft Graph security/rules/detectionRules bodies), for the queries that run in advanced hunting", Fn: defenderRules})
}

// impactedAsset names the result column that identifies the impacted
// asset of a Defender alert, per table.
var impactedAsset = map[string][2]string{
	"DeviceNetworkEvents": {"#microsoft.graph.security.impactedDeviceAsset", "deviceId"},
	"DeviceFileEvents":    {"#microsoft.graph.security.impactedDeviceAsset", "deviceId"},
	"DeviceProcessEvents": {"#microsoft.graph.security.impactedDeviceAsset", "deviceId"},
	"UrlClickEvents":      {"#microsoft.graph.security.impactedUserAsset", "accountUpn"},
}

// defenderRules writes one detectionRule body per query that runs in
// Defender XDR advanced hunting (platform "defender"); the queries return
// Timestamp, ReportId and DeviceId (or AccountUpn), which custom
// detections require.
func defenderRules(p *pack.Pack) ([]Output, error) {
	var out []Output
	for _, q := range p.Queries {
		asset, ok := impactedAsset[q.Table]
		if !ok || q.Platform != pack.PlatformDefender {
			continue
		}
		kql, ok := pack.WithLookback(q.KQL, DefenderLookback)
		if !ok {
			kql = q.KQL
		}
		body := map[string]any{
			"displayName":    q.Title,
			"isEnabled":      true,
			"queryCondition": map[string]any{"queryText": kql},
			"schedule":       map[string]any{"frequency": "PT1H", "lookback": "PT4H"},
			"detectionAction": map[string]any{
				"alertTemplate": map[string]any{
					"title":           q.Title,
					"description":     description(p, q),
					"severity":        "medium",
					"category":        defenderCategory(p),
					"mitreTechniques": techniqueIDs(p, false),
					"impactedAssets":  []map[string]any{{"@odata.type": asset[0], "identifier": asset[1]}},
				},
				"responseActions": []any{},
			},
		}
		b, err := json.MarshalIndent(body, "", "  ")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", q.ID, err)
		}
		out = append(out, Output{Path: "defender/" + q.ID + ".json", Data: append(b, '\n')})
	}
	return out, nil
}

func defenderCategory(p *pack.Pack) string {
	if t := tactics(p); len(t) > 0 {
		return t[0]
	}
	return "SuspiciousActivity"
}
