/**
 * The 0/1 flags of a complaint that the analytics count (domain.md §4), packed into
 * complaint_facts.x_bits: flag k is bit k, in this order. `overdue` is last: it is the one flag
 * that changes without the complaint changing (a deadline passes), and an open case's flag class
 * has a twin differing in it alone (flag_classes.x_twin).
 */
export const FLAGS = [
  'cross_border',
  'closed',
  'resolved',
  'sent',
  'replied',
  'timely',
  'agreed',
  'accepted',
  'refused',
  'outcome',
  'discontinued',
  'within_90',
  'compliance',
  'complied',
  'overdue',
] as const;
export type Flag = (typeof FLAGS)[number];

/** The value of a flag's bit in x_bits: 2^k. */
export const flagBit = (flag: Flag): number => 2 ** FLAGS.indexOf(flag);

/** x_bits' overdue bit (16384). */
export const OVERDUE_BIT = flagBit('overdue');
