/** Every query of the alerts view: an "incidentChanged" push invalidates them together (app/live-handlers.ts). */
export const alertsViewKey = ['alerts', 'view'] as const;
