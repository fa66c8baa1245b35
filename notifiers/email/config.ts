// Config of the `email` notifier: SMTP (nodemailer, pooled) with TLS and auth, sender, recipients, subject template.
import { z } from 'zod';
import { bool, duration, num } from '../../config/schema-helpers.js';
import { subjectTemplateProblem } from './subject.js';

const address = z.string().regex(/^[^\s@<>]+@[^\s@<>]+$/, { message: 'must be an email address like alerts@example.com' });

export const emailConfigSchema = z.strictObject({
  smtp: z.strictObject({
    /** The SMTP server (smarthost). Required. */
    host: z.string({ error: 'is required' }).min(1, 'must not be empty'),
    /** Default 587 (submission with STARTTLS); 465 means implicit TLS. */
    port: num({ int: true, min: 1, max: 65535 }).default(587),
    /** Implicit TLS from the first byte (SMTPS). Default: true on port 465, else false. */
    secure: bool().optional(),
    /**
     * Without implicit TLS: `required` (default) refuses to send unless the server upgrades with
     * STARTTLS, so no password or alert crosses the network in clear; `opportunistic` upgrades when offered.
     */
    starttls: z.enum(['required', 'opportunistic']).default('required'),
    /** AUTH user; with `password`. */
    username: z.string().optional(),
    /** AUTH password (a secret). */
    password: z.string().optional(),
    tls: z.strictObject({
      /** Accept any certificate (tests only). Default false. */
      insecure_skip_verify: bool().default(false),
      /** PEM file of the CA(s) that signed the server's certificate, besides the system's. */
      ca_file: z.string().optional(),
      /** The name expected in the server's certificate when it differs from `host`. */
      server_name: z.string().optional(),
    }).default({ insecure_skip_verify: false }),
    /** Deadline to connect and to get the greeting (ms). Default 10s. */
    connect_timeout: duration().default(10_000),
  }).refine((s) => (s.password === undefined) === (s.username === undefined), { message: 'username and password go together', path: ['password'] }),
  /** The sender, e.g. `alerts@example.com` or `Outrider <alerts@example.com>`. Required. */
  from: z.string({ error: 'is required' }).min(3, 'must be an email address'),
  /** Recipients (at least one). */
  to: z.array(address, { error: 'is required: a list of email addresses' }).min(1, 'needs at least one address'),
  /** Subject with placeholders (see README); default the Alertmanager-style title. */
  subject_template: z.string().optional().superRefine((t, ctx) => {
    const problem = t === undefined ? undefined : subjectTemplateProblem(t);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
});

/** The parsed `email` config; durations in ms. */
export type EmailConfig = z.output<typeof emailConfigSchema>;
