import type { Caller } from './record-accessed';

export type AccessAlertKind = 'BREAK_GLASS' | 'REPEATED_REFUSALS';

/** The AccessAlertRaised event, as ACCESS_ALERT_SCHEMA writes it. */
export interface AccessAlertRaised {
  readonly alertId: string;
  /** Epoch ms. */
  readonly raisedAt: number;
  readonly kind: AccessAlertKind;
  readonly userId: string | null;
  readonly userName: string | null;
  readonly role: string | null;
  readonly organisationOdsCode: string | null;
  readonly identityVerified: boolean;
  readonly clientIp: string;
  readonly nhsNumber: string | null;
  readonly reason: string;
  readonly refusals: number;
  readonly windowSeconds: number;
  readonly auditId: string | null;
  readonly correlationId: string;
}

export interface AccessAlert {
  readonly kind: AccessAlertKind;
  /** For REPEATED_REFUSALS by address, no one: the caller's claims are then left out. */
  readonly caller: Caller | null;
  readonly clientIp: string;
  readonly nhsNumber?: string;
  readonly reason: string;
  readonly refusals?: number;
  readonly windowMs?: number;
  readonly auditId: string;
  readonly correlationId: string;
}

export function accessAlertEvent(
  alert: AccessAlert,
  stamp: { readonly alertId: string; readonly raisedAt: number },
): AccessAlertRaised {
  return {
    alertId: stamp.alertId,
    raisedAt: stamp.raisedAt,
    kind: alert.kind,
    userId: alert.caller?.userId ?? null,
    userName: alert.caller?.name ?? null,
    role: alert.caller?.role ?? null,
    organisationOdsCode: alert.caller?.organisationOdsCode ?? null,
    identityVerified: alert.caller?.verified ?? false,
    clientIp: alert.clientIp,
    nhsNumber: alert.nhsNumber ?? null,
    reason: alert.reason,
    refusals: alert.refusals ?? 0,
    windowSeconds: Math.round((alert.windowMs ?? 0) / 1000),
    auditId: alert.auditId,
    correlationId: alert.correlationId,
  };
}

/** The key of an alert: the patient of a break-glass read, else the user or address refused. */
export function alertKeyOf(event: AccessAlertRaised): string {
  return event.nhsNumber ?? event.userId ?? event.clientIp;
}
