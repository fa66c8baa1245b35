// The `email` notifier factory: alert mails over SMTP (nodemailer).
import { configFromSchema } from '../../agent/component.js';
import type { NotifierFactory } from '../../agent/notifiers/api.js';
import { emailConfigSchema, type EmailConfig } from './config.js';
import { EmailNotifier } from './email.js';

export const emailNotifierFactory: NotifierFactory<EmailConfig> = {
  kind: 'notifier',
  type: 'email',
  ...configFromSchema('notifiers.email', emailConfigSchema),
  // every key shown; the required ones (smtp.host, from, to) left empty for validate to name
  createDefaultConfig: () => {
    const c = emailConfigSchema.parse({ smtp: { host: '-' }, from: 'x@x', to: ['x@x'] });
    return { ...c, smtp: { ...c.smtp, host: '' }, from: '', to: [] };
  },
  secrets: ['smtp.password'],
  create: (settings, config) => new EmailNotifier(settings, config),
};
