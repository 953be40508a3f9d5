// A failure detector in its own file (the walk-through in docs/policies.md): a node is silent once no heartbeat
// has arrived for `silence` of simulated time (default 60 s) — a timeout on time rather than on a count of polls.
// It uses only what it is given: the view of the node's heartbeats and env.now(), the simulated clock.
export default function silenceDetector(params, env) {
  const silenceUs = (params.silenceSeconds ?? 60) * 1e6;
  return {
    suspect(view) {
      return env.now() - view.lastHeartbeatUs >= silenceUs;
    },
    explain(view) {
      return `no heartbeat for ${(env.now() - view.lastHeartbeatUs) / 1e6} s (my-detector: silenceSeconds=${silenceUs / 1e6})`;
    },
  };
}
