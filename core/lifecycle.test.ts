/**
 * The lifecycle of domain.md §1, checked against the table re-encoded here by hand (not read from
 * the module under test): every stage × every event type, ordering, closures, compliance reports,
 * lenient derivation after voiding, and the stage deadlines.
 */
import { describe, expect, it } from 'vitest';
import {
  allowedNextEvents,
  applyEvent,
  daysBetween,
  deriveLenient,
  initialMilestones,
  replayEvents,
  stageDeadline,
  type CaseMilestones,
  type LifecycleEvent,
} from './lifecycle.js';

const DAY = 86_400_000;
const FILED = '2024-03-05T10:00:00.000Z';
const t = (days: number) => new Date(Date.parse(FILED) + days * DAY).toISOString();

/** All event types of domain.md §1. */
const ALL = [
  'sent_to_trader',
  'trader_replied',
  'settled_directly',
  'adr_body_agreed',
  'adr_accepted',
  'adr_refused',
  'adr_outcome',
  'adr_discontinued',
  'compliance_reported',
  'withdrawn',
  'closed_no_agreement',
] as const;
type Type = (typeof ALL)[number];

/** An event of each type with its payload. */
function make(type: Type, at: string): LifecycleEvent {
  switch (type) {
    case 'trader_replied':
      return { type, at, decision: 'proposes_adr' };
    case 'adr_body_agreed':
      return { type, at, adrBodyId: 'ADR-IT-1' };
    case 'adr_refused':
      return { type, at, ground: 'c' };
    case 'adr_outcome':
      return { type, at, result: 'in_favour_of_consumer' };
    case 'adr_discontinued':
      return { type, at, reason: 'consumer_withdrew' };
    case 'compliance_reported':
      return { type, at, complied: true };
    default:
      return { type, at } as LifecycleEvent;
  }
}

/**
 * domain.md §1 "What may come next, by stage", one row per situation, with the events that lead
 * there from filing.
 */
const SITUATIONS: Array<{ name: string; stage: string; path: LifecycleEvent[]; allowed: Type[] }> = [
  { name: 'filed', stage: 'filed', path: [], allowed: ['sent_to_trader', 'withdrawn', 'closed_no_agreement'] },
  {
    name: 'with_trader',
    stage: 'with_trader',
    path: [make('sent_to_trader', t(0.1))],
    allowed: ['trader_replied', 'settled_directly', 'withdrawn', 'closed_no_agreement'],
  },
  ...(['proposes_adr', 'direct_talks'] as const).map((decision) => ({
    name: `trader_replied (${decision})`,
    stage: 'trader_replied',
    path: [make('sent_to_trader', t(0.1)), { type: 'trader_replied', at: t(2), decision } as LifecycleEvent],
    allowed: ['adr_body_agreed', 'settled_directly', 'withdrawn', 'closed_no_agreement'] as Type[],
  })),
  {
    name: 'trader_replied (declines)',
    stage: 'trader_replied',
    path: [make('sent_to_trader', t(0.1)), { type: 'trader_replied', at: t(2), decision: 'declines' }],
    allowed: ['settled_directly', 'withdrawn', 'closed_no_agreement'],
  },
  {
    name: 'at_adr_body',
    stage: 'at_adr_body',
    path: [make('sent_to_trader', t(0.1)), make('trader_replied', t(2)), make('adr_body_agreed', t(5))],
    allowed: ['adr_accepted', 'adr_refused', 'settled_directly', 'withdrawn'],
  },
  {
    name: 'adr_in_progress',
    stage: 'adr_in_progress',
    path: [make('sent_to_trader', t(0.1)), make('trader_replied', t(2)), make('adr_body_agreed', t(5)), make('adr_accepted', t(8))],
    allowed: ['adr_outcome', 'adr_discontinued'],
  },
  {
    name: 'closed by adr_outcome',
    stage: 'closed',
    path: [
      make('sent_to_trader', t(0.1)),
      make('trader_replied', t(2)),
      make('adr_body_agreed', t(5)),
      make('adr_accepted', t(8)),
      make('adr_outcome', t(40)),
    ],
    allowed: ['compliance_reported'],
  },
  {
    name: 'closed by adr_outcome, compliance already reported',
    stage: 'closed',
    path: [
      make('sent_to_trader', t(0.1)),
      make('trader_replied', t(2)),
      make('adr_body_agreed', t(5)),
      make('adr_accepted', t(8)),
      make('adr_outcome', t(40)),
      make('compliance_reported', t(50)),
    ],
    allowed: ['compliance_reported'],
  },
  { name: 'closed by withdrawn (from filed)', stage: 'closed', path: [make('withdrawn', t(1))], allowed: [] },
  { name: 'closed by closed_no_agreement (from filed)', stage: 'closed', path: [make('closed_no_agreement', t(30))], allowed: [] },
  {
    name: 'closed by settled_directly',
    stage: 'closed',
    path: [make('sent_to_trader', t(0.1)), make('settled_directly', t(3))],
    allowed: [],
  },
  {
    name: 'closed by adr_refused',
    stage: 'closed',
    path: [make('sent_to_trader', t(0.1)), make('trader_replied', t(2)), make('adr_body_agreed', t(5)), make('adr_refused', t(9))],
    allowed: [],
  },
  {
    name: 'closed by adr_discontinued',
    stage: 'closed',
    path: [
      make('sent_to_trader', t(0.1)),
      make('trader_replied', t(2)),
      make('adr_body_agreed', t(5)),
      make('adr_accepted', t(8)),
      make('adr_discontinued', t(30)),
    ],
    allowed: [],
  },
];

function reach(path: LifecycleEvent[]): CaseMilestones {
  const r = replayEvents(FILED, path);
  if (!r.ok) throw new Error(`test path refused: ${r.message}`);
  return r.milestones;
}

const sorted = (xs: readonly string[]) => [...xs].sort();

describe('allowed next events (domain.md §1 table)', () => {
  for (const s of SITUATIONS) {
    describe(s.name, () => {
      const m = reach(s.path);

      it(`is at stage ${s.stage}`, () => {
        expect(m.stage).toBe(s.stage);
        expect(m.status).toBe(s.stage === 'closed' ? 'closed' : 'open');
      });

      it('lists exactly the allowed next events', () => {
        expect(sorted(allowedNextEvents(m))).toEqual(sorted(s.allowed));
      });

      for (const type of ALL) {
        const allowed = (s.allowed as readonly string[]).includes(type);
        it(`${allowed ? 'accepts' : 'refuses'} ${type}`, () => {
          const r = applyEvent(m, FILED, make(type, t(60)));
          if (allowed) {
            expect(r.ok).toBe(true);
            return;
          }
          expect(r.ok).toBe(false);
          if (r.ok) return;
          expect(r.reason).toBe('stage');
          expect(r.stage).toBe(s.stage);
          expect(sorted(r.allowed)).toEqual(sorted(s.allowed));
          // The message names the refused event, the stage and every allowed one, in plain words.
          expect(r.message).toContain(type);
          expect(r.message).toContain(s.stage);
          for (const a of s.allowed) expect(r.message).toContain(a);
          expect(r.message).not.toMatch(/\n\s+at /);
        });
      }
    });
  }

  it('each event type occurs at most once (except compliance_reported): a second sent_to_trader is refused', () => {
    const m = reach([make('sent_to_trader', t(0.1))]);
    const r = applyEvent(m, FILED, make('sent_to_trader', t(0.2)));
    expect(r.ok).toBe(false);
  });

  it('declines blocks adr_body_agreed (409-style stage refusal, not an order refusal)', () => {
    const m = reach([make('sent_to_trader', t(0.1)), { type: 'trader_replied', at: t(2), decision: 'declines' }]);
    expect(m.traderDecision).toBe('declines');
    const r = applyEvent(m, FILED, make('adr_body_agreed', t(3)));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toBe('stage');
      expect(r.stage).toBe('trader_replied');
      expect(r.allowed).not.toContain('adr_body_agreed');
    }
  });
});

describe('what each event does to the case', () => {
  const cases: Array<{ path: LifecycleEvent[]; expect: Partial<CaseMilestones> }> = [
    { path: [make('sent_to_trader', t(1))], expect: { stage: 'with_trader', status: 'open', closure: null, sentAt: t(1) } },
    {
      path: [make('sent_to_trader', t(1)), { type: 'trader_replied', at: t(3), decision: 'direct_talks' }],
      expect: { stage: 'trader_replied', repliedAt: t(3), traderDecision: 'direct_talks', status: 'open' },
    },
    {
      path: [make('sent_to_trader', t(1)), make('trader_replied', t(3)), { type: 'adr_body_agreed', at: t(6), adrBodyId: 'B-9' }],
      expect: { stage: 'at_adr_body', agreedAt: t(6), adrBodyId: 'B-9', status: 'open' },
    },
    {
      path: [make('sent_to_trader', t(1)), make('trader_replied', t(3)), make('adr_body_agreed', t(6)), make('adr_accepted', t(7))],
      expect: { stage: 'adr_in_progress', acceptedAt: t(7), status: 'open', closure: null },
    },
  ];
  for (const c of cases) {
    it(`${c.path.at(-1)!.type} → ${c.expect.stage}`, () => {
      const m = reach(c.path);
      expect(m).toMatchObject(c.expect);
      expect(m.eventCount).toBe(c.path.length);
      expect(m.lastEventAt).toBe(c.path.at(-1)!.at);
    });
  }

  const closures: Array<{ closure: string; path: LifecycleEvent[]; extra: Partial<CaseMilestones> }> = [
    { closure: 'withdrawn', path: [make('withdrawn', t(2))], extra: {} },
    { closure: 'closed_no_agreement', path: [make('sent_to_trader', t(1)), make('closed_no_agreement', t(30))], extra: {} },
    {
      closure: 'settled_directly',
      path: [make('sent_to_trader', t(1)), make('trader_replied', t(2)), make('settled_directly', t(12))],
      extra: {},
    },
    {
      closure: 'adr_refused',
      path: [
        make('sent_to_trader', t(1)),
        make('trader_replied', t(2)),
        make('adr_body_agreed', t(4)),
        { type: 'adr_refused', at: t(9), ground: 'e' },
      ],
      extra: { refusedAt: t(9), refusalGround: 'e' },
    },
    {
      closure: 'adr_outcome',
      path: [
        make('sent_to_trader', t(1)),
        make('trader_replied', t(2)),
        make('adr_body_agreed', t(4)),
        make('adr_accepted', t(6)),
        { type: 'adr_outcome', at: t(50), result: 'in_favour_of_trader' },
      ],
      extra: { adrResult: 'in_favour_of_trader' },
    },
    {
      closure: 'adr_discontinued',
      path: [
        make('sent_to_trader', t(1)),
        make('trader_replied', t(2)),
        make('adr_body_agreed', t(4)),
        make('adr_accepted', t(6)),
        { type: 'adr_discontinued', at: t(50), reason: 'consumer_unresponsive', note: 'no answer' },
      ],
      extra: { discontinuedReason: 'consumer_unresponsive' },
    },
    {
      closure: 'withdrawn',
      path: [make('sent_to_trader', t(1)), make('trader_replied', t(2)), make('adr_body_agreed', t(4)), make('withdrawn', t(5))],
      extra: { agreedAt: t(4) },
    },
  ];
  for (const c of closures) {
    it(`${c.closure} closes the case (status closed, closure ${c.closure}, closedAt = its at)`, () => {
      const m = reach(c.path);
      const last = c.path.at(-1)!;
      expect(m).toMatchObject({ stage: 'closed', status: 'closed', closure: c.closure, closedAt: last.at, ...c.extra });
      expect(stageDeadline(m, FILED, 10)).toBeNull();
    });
  }
});

describe('ordering of events', () => {
  it('refuses an event before filedAt', () => {
    const r = applyEvent(initialMilestones(), FILED, make('sent_to_trader', t(-0.001)));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toBe('order');
      expect(r.message).toMatch(/filed/);
    }
  });

  it('accepts an event exactly at filedAt, also written with another zone offset', () => {
    expect(applyEvent(initialMilestones(), FILED, make('sent_to_trader', FILED)).ok).toBe(true);
    expect(applyEvent(initialMilestones(), FILED, make('sent_to_trader', '2024-03-05T11:00:00+01:00')).ok).toBe(true);
  });

  it('refuses an event before the latest event, even one the stage allows', () => {
    const m = reach([make('sent_to_trader', t(1)), make('trader_replied', t(5))]);
    const r = applyEvent(m, FILED, make('settled_directly', t(4)));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toBe('order');
      expect(r.message).toMatch(/latest event|order/);
    }
  });

  it('allows ties in `at` (ordered by arrival)', () => {
    const m = reach([make('sent_to_trader', t(1))]);
    const r = applyEvent(m, FILED, make('trader_replied', t(1)));
    expect(r.ok).toBe(true);
    if (r.ok) {
      const r2 = applyEvent(r.milestones, FILED, make('settled_directly', t(1)));
      expect(r2.ok).toBe(true);
      if (r2.ok) expect(r2.milestones.closure).toBe('settled_directly');
    }
  });

  it('replayEvents reports the index of the first bad event', () => {
    const r = replayEvents(FILED, [
      make('sent_to_trader', t(1)),
      make('trader_replied', t(3)),
      make('settled_directly', t(2)),
      make('withdrawn', t(4)),
    ]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.index).toBe(2);
    const r2 = replayEvents(FILED, [make('withdrawn', t(1)), make('sent_to_trader', t(2))]);
    expect(r2.ok).toBe(false);
    if (!r2.ok) {
      expect(r2.index).toBe(1);
      expect(r2.stage).toBe('closed');
      expect(r2.allowed).toEqual([]);
    }
  });

  it('an empty log leaves the case filed and open', () => {
    const r = replayEvents(FILED, []);
    expect(r.ok && r.milestones).toMatchObject({ stage: 'filed', status: 'open', closure: null, eventCount: 0, lastEventAt: null });
  });
});

describe('compliance_reported', () => {
  const toOutcome = [
    make('sent_to_trader', t(1)),
    make('trader_replied', t(2)),
    make('adr_body_agreed', t(4)),
    make('adr_accepted', t(6)),
    make('adr_outcome', t(50)),
  ];

  it('is refused before the outcome and after any other closure', () => {
    for (const path of [
      toOutcome.slice(0, 4),
      [make('withdrawn', t(1))],
      [make('sent_to_trader', t(1)), make('settled_directly', t(2))],
      [make('sent_to_trader', t(1)), make('trader_replied', t(2)), make('adr_body_agreed', t(4)), make('adr_refused', t(6))],
      [...toOutcome.slice(0, 4), make('adr_discontinued', t(20))],
    ]) {
      const r = applyEvent(reach(path), FILED, make('compliance_reported', t(80)));
      expect(r.ok, path.map((e) => e.type).join(' → ')).toBe(false);
    }
  });

  it('is repeatable after adr_outcome and the latest report counts', () => {
    const m = reach([
      ...toOutcome,
      { type: 'compliance_reported', at: t(60), complied: false },
      { type: 'compliance_reported', at: t(70), complied: true },
    ]);
    expect(m).toMatchObject({
      stage: 'closed',
      status: 'closed',
      closure: 'adr_outcome',
      complied: true,
      complianceAt: t(70),
      closedAt: t(50),
    });
    const m2 = reach([
      ...toOutcome,
      { type: 'compliance_reported', at: t(60), complied: true },
      { type: 'compliance_reported', at: t(61), complied: false },
    ]);
    expect(m2.complied).toBe(false);
    expect(m2.complianceAt).toBe(t(61));
  });
});

describe('deriveLenient (after voiding)', () => {
  it('skips events that no longer fit instead of refusing', () => {
    // The trader's reply was voided: the agreement that followed it no longer fits.
    const m = deriveLenient(FILED, [make('sent_to_trader', t(1)), make('adr_body_agreed', t(4))]);
    expect(m.stage).toBe('with_trader');
    expect(m.agreedAt).toBeNull();
    expect(m.eventCount).toBe(1);
  });

  it('gives the same answer as replay when every event fits', () => {
    const path = [make('sent_to_trader', t(1)), make('trader_replied', t(2)), make('settled_directly', t(3))];
    expect(deriveLenient(FILED, path)).toEqual(reach(path));
  });
});

describe('stage deadlines (overdue, domain.md §1)', () => {
  it('filed: 30 days after filing', () => {
    expect(stageDeadline(initialMilestones(), FILED, 10)).toBe(t(30));
  });

  it('with_trader: 10 days after sending when that comes first', () => {
    expect(stageDeadline(reach([make('sent_to_trader', t(2))]), FILED, 10)).toBe(t(12));
  });

  it('with_trader: 30 days after filing when that comes first (the earlier of the two)', () => {
    expect(stageDeadline(reach([make('sent_to_trader', t(25))]), FILED, 10)).toBe(t(30));
    // TRADER_REPLY_DAYS is honoured: 20 days from day 5 is day 25, before day 30.
    expect(stageDeadline(reach([make('sent_to_trader', t(5))]), FILED, 20)).toBe(t(25));
    expect(stageDeadline(reach([make('sent_to_trader', t(15))]), FILED, 20)).toBe(t(30));
  });

  it('trader_replied: 30 days after filing', () => {
    expect(stageDeadline(reach([make('sent_to_trader', t(1)), make('trader_replied', t(3))]), FILED, 10)).toBe(t(30));
  });

  it('at_adr_body: 21 days after agreement', () => {
    expect(
      stageDeadline(reach([make('sent_to_trader', t(1)), make('trader_replied', t(3)), make('adr_body_agreed', t(7.5))]), FILED, 10),
    ).toBe(t(28.5));
  });

  it('adr_in_progress: 90 days after agreement (not after acceptance)', () => {
    const m = reach([
      make('sent_to_trader', t(1)),
      make('trader_replied', t(3)),
      make('adr_body_agreed', t(7)),
      make('adr_accepted', t(20)),
    ]);
    expect(stageDeadline(m, FILED, 10)).toBe(t(97));
  });

  it('closed: no deadline', () => {
    expect(stageDeadline(reach([make('withdrawn', t(1))]), FILED, 10)).toBeNull();
  });

  it('daysBetween is unrounded days', () => {
    expect(daysBetween(FILED, t(1.5))).toBe(1.5);
    expect(daysBetween(FILED, '2024-03-05T16:00:00.000Z')).toBe(0.25);
  });
});
