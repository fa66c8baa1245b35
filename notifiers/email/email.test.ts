// The email notifier against a real SMTP server (smtp-server) with STARTTLS and AUTH.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../agent/clock.js';
import type { Notifier } from '../../agent/notifiers/api.js';
import { resolvedOf, sampleAlert, sampleNotification } from '../../test/kit/sample-notification.js';
import { readMime, startSmtpServer, type TestSmtpServer } from '../../test/kit/smtp.js';
import { until } from '../../test/kit/until.js';
import { classifySmtpError } from './smtp-result.js';
import { emailSubject } from './subject.js';
import { emailNotifierFactory } from './index.js';

describe('email notifier against a real SMTP server', () => {
  let smtp: TestSmtpServer;
  const notifiers: Notifier[] = [];
  beforeAll(async () => { smtp = await startSmtpServer({ username: 'alerts', password: 's3cret' }); });
  afterAll(async () => { await Promise.all(notifiers.map((n) => n.close())); await smtp.close(); });

  const make = (over: { smtp?: Record<string, unknown>; [k: string]: unknown } = {}, server = () => smtp) => {
    const { smtp: smtpOver, ...rest } = over;
    const config = emailNotifierFactory.parse({
      smtp: { host: server().host, port: server().port, username: 'alerts', password: 's3cret', tls: { ca_file: server().caFile }, ...smtpOver },
      from: 'Outrider <alerts@example.com>', to: ['oncall@example.com', 'team@example.com'], ...rest,
    });
    const n = emailNotifierFactory.create({ id: 'email/team', logger: pino({ level: 'silent' }), clock: systemClock }, config);
    notifiers.push(n);
    return n;
  };
  const signal = () => new AbortController().signal;

  it('delivers over STARTTLS with AUTH: the expected subject, a text and an HTML part with links', async () => {
    const result = await make().send(sampleNotification({ id: 'ntf_mail_1' }), signal());
    expect(result).toMatchObject({ outcome: 'sent' });
    const mail = smtp.mails.at(-1)!;
    expect(mail).toMatchObject({ from: 'alerts@example.com', to: ['oncall@example.com', 'team@example.com'], secure: true, user: 'alerts' });
    const { headers, parts } = readMime(mail.raw);
    expect(headers.subject).toBe('[FIRING:2] HighErrorRate checkout (critical)');
    expect(headers['message-id']).toBe('<ntf_mail_1@example.com>');
    expect(headers['auto-submitted']).toBe('auto-generated');
    expect(parts.map((p) => p.contentType)).toEqual(['text/plain', 'text/html']);
    const [text, html] = parts.map((p) => p.body);
    expect(text).toContain('[FIRING:2] HighErrorRate checkout (critical)');
    expect(text).toContain('Alert 1/2: checkout error ratio above 5% [firing, critical]');
    expect(text).toContain('Runbook: https://runbooks.example.com/high-error-rate');
    expect(text).toContain('https://jaeger.example.com/trace/4bf92f3577b34da6a3ce929d0e0e4736');
    expect(html).toContain('<a href="https://jaeger.example.com/trace/4bf92f3577b34da6a3ce929d0e0e4736">4bf92f3577b34da6a3ce929d0e0e4736</a>');
    expect(html).toContain('<a href="https://runbooks.example.com/high-error-rate">');
    expect(html).toContain('checkout error ratio above 5%');
  });

  it('resolved mail: subject [RESOLVED], same thread (References) as the firing one', async () => {
    const n = sampleNotification({ id: 'ntf_mail_2' });
    const notifier = make();
    await notifier.send(n, signal());
    await notifier.send(resolvedOf(n, Date.UTC(2026, 0, 2, 3, 9)), signal());
    const [firing, resolved] = smtp.mails.slice(-2).map((m) => readMime(m.raw));
    expect(resolved!.headers.subject).toBe('[RESOLVED] HighErrorRate checkout (critical)');
    expect(resolved!.headers.references).toBe(firing!.headers.references);
    expect(resolved!.parts[0]!.body).toContain('Ended: 2026-01-02T03:09:00.000Z');
  });

  it('escapes everything in the HTML part; only http(s) URLs become links', async () => {
    const evil = sampleAlert({
      annotations: { summary: '<script>alert("x")</script> & co', description: '<img src=x onerror=alert(1)>' },
      labels: { alertname: 'HighErrorRate', service_name: '"><b>checkout</b>' },
      traces: [{ traceId: 'deadbeef', url: 'javascript:alert(1)' }],
    });
    await make().send(sampleNotification({ alerts: [evil] }), signal());
    const html = readMime(smtp.mails.at(-1)!.raw).parts[1]!.body;
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('service_name=&quot;&gt;&lt;b&gt;checkout&lt;/b&gt;');
    expect(html).not.toMatch(/<script|<img|<b>|javascript:/);
  });

  it('SMTP 4xx is a retry, 5xx is rejected; a wrong password (535) is rejected', async () => {
    const notifier = make();
    smtp.script({ stage: 'data', code: 451, text: '4.3.0 Mail server temporarily rejected message' });
    expect(await notifier.send(sampleNotification(), signal())).toEqual({ outcome: 'retry', detail: expect.stringMatching(/^SMTP 451 \(DATA\): 451 4\.3\.0 Mail server temporarily/) });
    smtp.script({ stage: 'data', code: 554, text: '5.6.0 Message content rejected' });
    expect(await notifier.send(sampleNotification(), signal())).toEqual({ outcome: 'rejected', detail: expect.stringMatching(/^SMTP 554 \(DATA\): 554 5\.6\.0/) });
    smtp.script({ stage: 'rcpt', code: 450, text: '4.2.1 Mailbox busy' }, { stage: 'rcpt', code: 450, text: '4.2.1 Mailbox busy' });
    expect(await notifier.send(sampleNotification(), signal())).toMatchObject({ outcome: 'retry', detail: expect.stringContaining('450') });
    const before = smtp.mails.length;
    expect(await notifier.send(sampleNotification(), signal())).toMatchObject({ outcome: 'sent' });
    expect(smtp.mails.length).toBe(before + 1);
    expect(await make({ smtp: { password: 'wrong' } }).send(sampleNotification(), signal())).toMatchObject({ outcome: 'rejected', detail: expect.stringContaining('535') });
  });

  it('an untrusted certificate or an unreachable server is a retry; insecure_skip_verify accepts the certificate', async () => {
    expect(await make({ smtp: { tls: {} } }).send(sampleNotification(), signal())).toMatchObject({ outcome: 'retry' });
    expect(await make({ smtp: { tls: { insecure_skip_verify: true } } }).send(sampleNotification(), signal())).toMatchObject({ outcome: 'sent' });
    expect(await make({ smtp: { port: 1 } }).send(sampleNotification(), signal())).toMatchObject({ outcome: 'retry', detail: expect.stringContaining('ECONNREFUSED') });
  });

  it('starttls required: a server that cannot do STARTTLS gets neither the password nor the mail (rejected)', async () => {
    const plain = await startSmtpServer({ username: 'alerts', password: 's3cret', starttls: false });
    try {
      const result = await make({}, () => plain).send(sampleNotification(), signal());
      expect(result).toMatchObject({ outcome: 'rejected', detail: expect.stringContaining('STARTTLS') });
      expect(plain.authAttempts).toEqual([]);
      expect(plain.mails).toEqual([]);
    } finally {
      await plain.close();
    }
  });

  it('close() closes the pooled SMTP connections and is idempotent', async () => {
    await Promise.all(notifiers.map((n) => n.close()));
    await until(() => smtp.open() === 0, 5_000, 'earlier pools closed');
    const notifier = make();
    await notifier.send(sampleNotification(), signal());
    expect(smtp.open()).toBeGreaterThan(0);
    await notifier.close();
    await notifier.close();
    await until(() => smtp.open() === 0, 5_000, 'SMTP connections closed');
    expect(await notifier.send(sampleNotification(), signal())).toEqual({ outcome: 'retry', detail: 'notifier closed' });
  });
});

describe('email subject and SMTP classification', () => {
  it('subject_template placeholders; unknown placeholders are config errors', () => {
    const n = sampleNotification();
    expect(emailSubject(n, '{STATUS} {alertname} on {labels.service_name}: {count} ({severity})\r\nBcc: x@y')).toBe('FIRING HighErrorRate on checkout: 2 (critical) Bcc: x@y');
    expect(emailNotifierFactory.validate({ smtp: { host: 'h' }, from: 'a@b', to: ['c@d'], subject_template: '{nope}' }))
      .toEqual([{ path: 'subject_template', message: expect.stringContaining('unknown placeholder {nope}') }]);
  });

  it('4xx replies retry, 5xx reject, failures without a reply retry', () => {
    expect(classifySmtpError({ message: 'x', responseCode: 421, response: '421 shutting down' }).outcome).toBe('retry');
    expect(classifySmtpError({ message: 'x', responseCode: 550, response: '550 no such user' }).outcome).toBe('rejected');
    expect(classifySmtpError({ message: 'connect ECONNREFUSED', code: 'ESOCKET' }).outcome).toBe('retry');
    expect(classifySmtpError({ message: 'No recipients defined', code: 'EENVELOPE' }).outcome).toBe('rejected');
  });

  it('config: required keys, paired credentials, the password is a secret', () => {
    expect(emailNotifierFactory.validate({}).map((p) => p.path).sort()).toEqual(['from', 'smtp', 'to']);
    expect(emailNotifierFactory.validate({ smtp: { host: 'h', username: 'u' }, from: 'a@b', to: ['c@d'] }))
      .toEqual([{ path: 'smtp.password', message: 'username and password go together' }]);
    expect(emailNotifierFactory.validate({ smtp: { host: 'h' }, from: 'a@b', to: ['not an address'] }))
      .toEqual([{ path: 'to.0', message: 'must be an email address like alerts@example.com' }]);
    expect(emailNotifierFactory.secrets).toEqual(['smtp.password']);
    expect(emailNotifierFactory.createDefaultConfig()).toMatchObject({ smtp: { host: '', port: 587, starttls: 'required' }, from: '', to: [] });
    expect(() => emailNotifierFactory.create({ id: 'email/x', logger: pino({ level: 'silent' }), clock: systemClock },
      emailNotifierFactory.parse({ smtp: { host: 'h', tls: { ca_file: '/nonexistent/ca.pem' } }, from: 'a@b', to: ['c@d'] })))
      .toThrow(/notifiers\.email\/x: smtp: tls\.ca_file cannot be read/);
  });
});
