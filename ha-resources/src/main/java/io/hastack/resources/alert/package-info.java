/**
 * Alert agents, as Pacemaker runs them: an executable per alert and recipient, called with the
 * event in {@code CRM_alert_*} environment variables (so Pacemaker's sample alert scripts work
 * unchanged), and a built-in webhook that posts the same fields as JSON. Alerts never block the
 * cluster: they run on threads of their own, a timeout kills them, failures are logged.
 */
package io.hastack.resources.alert;
