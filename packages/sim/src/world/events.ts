import type { IdentifierKind } from '@credence/core/identifiers/kinds';
import type { Category, EntityRole, LinkType, ReportType } from '@credence/core/wire/vocabulary';
import type { Lang } from '../identity/names.js';
import type { Institution } from '../institutions.js';
import type { Planted } from './planted.js';
import type { Campaign } from './ring.js';

/** An identifier in canonical (normalized) form. */
export interface Ident {
  readonly kind: IdentifierKind;
  readonly value: string;
}

export const identKey = (ident: Ident): string => `${ident.kind}\u0000${ident.value}`;

/** Something a member's systems recorded: an edge between two identifiers. */
export interface LinkEvent {
  readonly type: 'link';
  /** Milliseconds since the epoch. */
  readonly at: number;
  readonly link: LinkType;
  readonly from: Ident;
  readonly to: Ident;
  readonly count: number;
  readonly amountCny?: number;
  /** Institutions whose systems record it; only members among them write it out. */
  readonly seenBy: readonly Institution[];
  /** The ring whose activity this is, if any. */
  readonly ring?: Planted;
}

export interface ReportEntity {
  readonly role: EntityRole;
  readonly ident: Ident;
  /** Who wrote the value down: a member's system (its house style) or a person (any
   * spelling, now and then a typo). */
  readonly by: 'person' | 'system';
}

export type ReportNoise = 'false_report' | 'typo' | 'falsely_reported';

/** A report filed by one member. */
export interface ReportEvent {
  readonly type: 'report';
  /** When the member files it; files are in filing order. */
  readonly at: number;
  readonly member: Institution;
  readonly reportType: ReportType;
  readonly category: Category;
  readonly occurredAt: number;
  readonly lossCny?: number;
  /** The victim's province (ISO 3166-2:CN), which the member may know and write down. */
  readonly victimRegion?: string;
  readonly entities: readonly ReportEntity[];
  /** Rendered when written, so that pending reports stay small in memory. */
  readonly narrative?: () => string;
  readonly lang: Lang;
  readonly ring?: Planted;
  readonly campaign?: Campaign;
  readonly noise?: {
    readonly kind: ReportNoise;
    readonly reason: string;
    /** An honest person's identifier named by mistake (issue 12's honest people reported once). */
    readonly subject?: Ident;
  };
}

export type WorldEvent = LinkEvent | ReportEvent;
