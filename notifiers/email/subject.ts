// The subject line of an alert email: the Alertmanager-style title, or `subject_template` with placeholders.
import type { Notification } from '../../agent/alerting/model.js';
import { firingCount, groupAlertName, notificationTitle } from '../../agent/notifiers/notification-text.js';

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_.]*)\}/g;
const NAMES = ['title', 'status', 'STATUS', 'count', 'alertname', 'severity', 'group'];

/** Why `template` cannot render, or undefined. */
export function subjectTemplateProblem(template: string): string | undefined {
  for (const m of template.matchAll(PLACEHOLDER)) {
    const name = m[1]!;
    if (!NAMES.includes(name) && !/^labels\.[A-Za-z_][A-Za-z0-9_.]*$/.test(name)) {
      return `unknown placeholder {${name}}; use ${NAMES.map((n) => `{${n}}`).join(', ')} or {labels.NAME}`;
    }
  }
  return undefined;
}

/** The subject of `n`: `[FIRING:2] HighErrorRate checkout (critical)` unless a template is given; one line. */
export function emailSubject(n: Notification, template?: string): string {
  const text = template === undefined ? notificationTitle(n) : template.replace(PLACEHOLDER, (_m, name: string) => {
    switch (name) {
      case 'title': return notificationTitle(n);
      case 'status': return n.status;
      case 'STATUS': return n.status.toUpperCase();
      case 'count': return String(firingCount(n));
      case 'alertname': return groupAlertName(n);
      case 'severity': return n.severity;
      case 'group': return Object.keys(n.groupLabels).sort().map((k) => n.groupLabels[k]).join(' ');
      default: return n.commonLabels[name.slice('labels.'.length)] ?? '';
    }
  });
  return text.replace(/[\r\n]+/g, ' ').trim();
}
