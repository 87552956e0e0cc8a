package io.hastack.resources.alert;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One alert, as Pacemaker's {@code <alert>}: what to call, for whom, for which kinds of event.
 *
 * @param id the alert's name, for logs
 * @param target the executable to run, or the URL to post to
 * @param recipients Pacemaker's recipients: the executable runs once per recipient (given in {@code
 *     CRM_alert_recipient}), or once with an empty recipient if there is none; a webhook ignores them
 * @param timeout how long one call may take before it is killed (Pacemaker's default: 30 s)
 * @param timestampFormat the format of {@code CRM_alert_timestamp} ({@link AlertTime})
 * @param select the kinds of event it gets (Pacemaker's {@code select_*}; all by default)
 * @param attributes Pacemaker's {@code <instance_attributes>}: variables added to the executable's
 *     environment (e.g. {@code email_sender}, {@code trap_options}), over those the node inherited;
 *     names as in a shell ({@code [A-Za-z_][A-Za-z0-9_]*}) and not starting with {@code CRM_}
 *     (Pacemaker's own), values without NUL; in the order given; a webhook ignores them
 */
public record AlertSpec(
        String id,
        Target target,
        List<String> recipients,
        Duration timeout,
        String timestampFormat,
        Set<Kind> select,
        Map<String, String> attributes) {

    /** Pacemaker's default timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** Pacemaker's default {@code timestamp-format}. */
    public static final String DEFAULT_TIMESTAMP_FORMAT = "%H:%M:%S.%06N";

    /** The kinds of event (Pacemaker's {@code CRM_alert_kind}). */
    public enum Kind {
        /** A node joined ({@code member}) or was lost ({@code lost}). */
        NODE,
        /** A node was fenced, or fencing failed. */
        FENCING,
        /** A resource operation ended: start, stop, a failed monitor. */
        RESOURCE;

        /** The name in {@code CRM_alert_kind} and in configuration. */
        public String externalName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** What an alert calls. */
    public sealed interface Target {}

    /** An executable, run without a shell as {@code path}, with the event in its environment. */
    public record Executable(Path path) implements Target {
        /** Checks the path. */
        public Executable {
            Objects.requireNonNull(path, "path");
        }
    }

    /** An HTTP(S) URL the event is posted to as JSON. */
    public record Webhook(URI url) implements Target {
        /** Checks the URL. */
        public Webhook {
            Objects.requireNonNull(url, "url");
            if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme()))) {
                throw new IllegalArgumentException("webhook " + url + " must be an http or https URL");
            }
        }
    }

    private static final Pattern ATTRIBUTE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /**
     * Validates and copies.
     *
     * @throws IllegalArgumentException naming the alert and the field (or attribute) that is wrong
     */
    public AlertSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(target, "target");
        recipients = List.copyOf(recipients);
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("alert " + id + ": timeout must be from 1 ms to 1 h, was " + timeout);
        }
        Objects.requireNonNull(timestampFormat, "timestampFormat");
        AlertTime.check(timestampFormat);
        select = select.isEmpty() ? Set.copyOf(EnumSet.allOf(Kind.class)) : Set.copyOf(select);
        attributes = checked(id, attributes);
    }

    /** An alert without attributes. */
    public AlertSpec(
            String id,
            Target target,
            List<String> recipients,
            Duration timeout,
            String timestampFormat,
            Set<Kind> select) {
        this(id, target, recipients, timeout, timestampFormat, select, Map.of());
    }

    /** An alert with Pacemaker's defaults: no recipient, 30 s, the default format, every kind, no attribute. */
    public static AlertSpec of(String id, Target target) {
        return new AlertSpec(id, target, List.of(), DEFAULT_TIMEOUT, DEFAULT_TIMESTAMP_FORMAT, Set.of(), Map.of());
    }

    /** This alert with {@code recipients} instead of its own. */
    public AlertSpec withRecipients(List<String> recipients) {
        return new AlertSpec(id, target, recipients, timeout, timestampFormat, select, attributes);
    }

    /**
     * This alert with {@code attributes} instead of its own.
     *
     * @throws IllegalArgumentException as the constructor
     */
    public AlertSpec withAttributes(Map<String, String> attributes) {
        return new AlertSpec(id, target, recipients, timeout, timestampFormat, select, attributes);
    }

    private static Map<String, String> checked(String id, Map<String, String> attributes) {
        Objects.requireNonNull(attributes, "attributes");
        Map<String, String> copy = new LinkedHashMap<>();
        attributes.forEach((name, value) -> {
            checkAttribute(id, name, value);
            copy.put(name, value);
        });
        return Collections.unmodifiableMap(copy);
    }

    /**
     * Checks one attribute of alert {@code id}: its name is a variable name ({@code
     * [A-Za-z_][A-Za-z0-9_]*}) not starting with {@code CRM_}, its value is not null and holds no NUL.
     *
     * @throws IllegalArgumentException naming the alert and the attribute, and why
     */
    public static void checkAttribute(String id, String name, String value) {
        if (name == null || !ATTRIBUTE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("alert " + id + ": attribute '" + name
                    + "' is not a variable name: use letters, digits and '_', not starting with a digit");
        }
        if (name.startsWith("CRM_")) {
            throw new IllegalArgumentException("alert " + id + ": attribute '" + name
                    + "' starts with CRM_, which is Pacemaker's and set for each event");
        }
        if (value == null) {
            throw new IllegalArgumentException("alert " + id + ": attribute '" + name + "' has no value");
        }
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(
                    "alert " + id + ": attribute '" + name + "' holds a NUL character, which no environment can");
        }
    }
}
