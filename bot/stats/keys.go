package stats

// The statistics' Redis keys are named in bot/store's keys.go (Stats*),
// all under one hash tag so a piece of work's counters, and its "counted"
// marker, go in one script (store.StatsRecord) on a Redis Cluster too. Day
// keys expire after the retention, markers after the once-TTL; the sorted
// sets are trimmed by score on write. Nothing is ever found by scanning
// keys.

const dayLayout = "2006-01-02"

func (r *Recorder) dayKey(day string) string      { return r.keys.StatsDay(day) }
func (r *Recorder) missesKey(day string) string   { return r.keys.StatsMisses(day) }
func (r *Recorder) picksKey(day string) string    { return r.keys.StatsPicks(day) }
func (r *Recorder) feedbackKey(day string) string { return r.keys.StatsFeedback(day) }
func (r *Recorder) agentsKey() string             { return r.keys.StatsAgents() }
func (r *Recorder) queueKey() string              { return r.keys.StatsQueue() }
func (r *Recorder) workingKey() string            { return r.keys.StatsWorking() }
func (r *Recorder) handoffsKey() string           { return r.keys.StatsHandoffs() }
