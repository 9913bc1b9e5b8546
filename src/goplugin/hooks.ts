/** The function type the gateway casts each kind of Go hook to (goplugin/goplugin.go, goplugin/analyticsplugin.go). */
export const HOOK_SIGNATURES: Record<string, string> = {
  pre: "func(http.ResponseWriter, *http.Request)",
  post: "func(http.ResponseWriter, *http.Request)",
  post_key_auth: "func(http.ResponseWriter, *http.Request)",
  auth_check: "func(http.ResponseWriter, *http.Request)",
  response: "func(http.ResponseWriter, *http.Response, *http.Request)",
  traffic_logs: "func(*analytics.AnalyticsRecord)",
};
