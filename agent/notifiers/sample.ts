// The sample notification `test(id)` sends: one firing info alert, clearly marked as a test.
import type { Notification } from '../alerting/model.js';

/** A test notification for `notifier` at `now` (ms); its group key is unique, so it never touches a real alert. */
export function sampleNotification(notifier: string, now: number): Notification {
  const labels = { alertname: 'OutriderTestNotification', severity: 'info' };
  const annotations = { summary: 'Test notification from Outrider', description: `A test of the ${notifier} channel. No action needed.` };
  return {
    id: `test-${now.toString(36)}`,
    notifier,
    action: 'trigger',
    status: 'firing',
    groupKey: `test:${notifier}:${now}`,
    groupLabels: { alertname: labels.alertname },
    commonLabels: labels,
    commonAnnotations: annotations,
    severity: 'info',
    createdAt: now,
    alerts: [{
      id: '0000000000000000', name: labels.alertname, status: 'firing', severity: 'info', labels, annotations,
      value: null, startsAt: now, endsAt: null, acknowledged: null, traces: [],
    }],
  };
}
