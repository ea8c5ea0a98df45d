/**
 * Registrable domains of consumer mailbox providers. A domain taken from a personal address at one
 * of these says nothing about the company, and as an exact key it would link every gmail.com
 * contact's company to the same CRM record, so the domain strategy skips them unless a pipeline
 * sets its own `ignoreDomains` list.
 */
export const FREE_MAIL_DOMAINS: readonly string[] = [
  'gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'hotmail.co.uk', 'hotmail.fr',
  'live.com', 'msn.com', 'yahoo.com', 'yahoo.co.uk', 'yahoo.fr', 'ymail.com', 'icloud.com',
  'me.com', 'mac.com', 'aol.com', 'proton.me', 'protonmail.com', 'gmx.de', 'gmx.net', 'gmx.com',
  'web.de', 't-online.de', 'mail.ru', 'yandex.ru', 'yandex.com', 'qq.com', '163.com', '126.com',
  'zoho.com', 'fastmail.com', 'hey.com', 'orange.fr', 'free.fr', 'laposte.net', 'libero.it',
];
