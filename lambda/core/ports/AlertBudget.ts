/** Alerts a channel held back in one minute, waiting for their digest. */
export interface HeldMinute {
  readonly channel: string;
  /** Epoch ms of the minute's start. */
  readonly minute: number;
  /** Sends held back in that minute. */
  readonly held: number;
  /** Sends made in that minute (the cap). */
  readonly sent: number;
}

/**
 * Port: the per-channel, per-minute alert budget shared by every invocation (a counter per channel
 * and minute in the incident table), and the held minutes whose digest is still to be sent.
 */
export interface AlertBudget {
  /**
   * Takes one of the `limit` sends `channel` has in the minute starting at `minute` (epoch ms);
   * false when none is left, in which case the held send is counted for that minute's digest.
   */
  take(channel: string, minute: number, limit: number): Promise<boolean>;
  /** Minutes before `before` (epoch ms) with held sends whose digest nobody has claimed yet. */
  listHeld(before: number): Promise<HeldMinute[]>;
  /** Claims the digest of one held minute; null when another invocation already did. */
  claimDigest(channel: string, minute: number): Promise<HeldMinute | null>;
}
