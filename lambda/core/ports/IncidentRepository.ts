import type { IncidentRecord } from '../incidents/IncidentRecord';
import type { IncidentStatus, NotificationKind } from '../incidents/incident';

/** A fingerprint's latest episode and the highest episode number it ever had. */
export interface IncidentHead {
  /** Latest episode (strongly consistent read), null when none is stored. */
  readonly latest: IncidentRecord | null;
  /** Highest episode number used, remembered beyond TTL so incident ids are never reused. */
  readonly lastEpisode: number;
}

/** Filters for listing incident history, newest (by last seen) first. */
export interface IncidentQuery {
  /** Only incidents seen at or after this time (epoch ms). */
  readonly since?: number;
  readonly status?: IncidentStatus;
  /** Only incidents about this function name. */
  readonly functionName?: string;
  /** Only incidents in this AWS account (organisation responder). */
  readonly account?: string;
  /** At most this many (default 100). */
  readonly limit?: number;
}

/** A notification some channel has not acknowledged yet. */
export interface PendingNotification {
  readonly incidentId: string;
  readonly fingerprint: string;
  readonly notificationId: string;
  readonly kind: NotificationKind;
  readonly seq: number;
  /** Channels still waiting for it. */
  readonly channels: readonly string[];
  readonly attempts: number;
  /** Latest failure per channel. */
  readonly lastErrors: Readonly<Record<string, string>>;
  /** Epoch ms of the claim. */
  readonly createdAt: number;
}

/**
 * Port: the incident store. Writes are conditional (create-if-absent, replace-if-version) so that
 * concurrent invocations serialise on an incident; the core decides every state change.
 */
export interface IncidentRepository {
  /** Latest episode and highest episode number of a fingerprint. */
  getHead(fingerprint: string): Promise<IncidentHead>;
  /** Stores a new episode; false when that episode already exists (someone else opened it). */
  create(record: IncidentRecord): Promise<boolean>;
  /** Replaces an episode if its stored version is `expectedVersion`; false when it changed. */
  replace(record: IncidentRecord, expectedVersion: number): Promise<boolean>;
  /** Raises the remembered highest episode number of a fingerprint (never lowers it). */
  rememberEpisode(fingerprint: string, episode: number): Promise<void>;
  /** One incident by id (strongly consistent), null when unknown or expired. */
  getIncident(id: string): Promise<IncidentRecord | null>;
  /** Incident history, newest first. */
  listIncidents(query?: IncidentQuery): Promise<IncidentRecord[]>;
  /** Open incidents (the sweeper resolves the quiet ones). */
  listOpenIncidents(): Promise<IncidentRecord[]>;
  /** Notifications waiting for a channel, oldest first. */
  listPendingNotifications(): Promise<PendingNotification[]>;
}
