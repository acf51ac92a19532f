package stats

// Every Redis key the statistics use, in one place, under the store's
// prefix. When the shared key file (bot/store) lands, these move there.
//
//	baton:stats:day:<YYYY-MM-DD>     hash: counters of one UTC day, "metric" or "metric|dim=value"
//	baton:stats:agents               hash: agent id -> latest display name
//	baton:stats:queue                sorted set: waiting conversation -> handoff time (unix ms)
//	baton:stats:working              sorted set: conversation with an agent -> claim time (unix ms)
//	baton:stats:handoffs             sorted set: "<conv>|<handoff unix ms>" -> handoff time, for the viewer
//	baton:stats:misses:<YYYY-MM-DD>  list: the day's unanswered messages (JSON, masked), newest first, capped
//	baton:stats:picks:<YYYY-MM-DD>   list: topics picked after a miss (JSON, masked), newest first, capped
//
// Day keys expire after the retention; the sorted sets are trimmed by
// score on write. Nothing is ever found by scanning keys.

const dayLayout = "2006-01-02"

func (r *Recorder) dayKey(day string) string    { return r.prefix + "baton:stats:day:" + day }
func (r *Recorder) missesKey(day string) string { return r.prefix + "baton:stats:misses:" + day }
func (r *Recorder) picksKey(day string) string  { return r.prefix + "baton:stats:picks:" + day }
func (r *Recorder) agentsKey() string           { return r.prefix + "baton:stats:agents" }
func (r *Recorder) queueKey() string            { return r.prefix + "baton:stats:queue" }
func (r *Recorder) workingKey() string          { return r.prefix + "baton:stats:working" }
func (r *Recorder) handoffsKey() string         { return r.prefix + "baton:stats:handoffs" }
