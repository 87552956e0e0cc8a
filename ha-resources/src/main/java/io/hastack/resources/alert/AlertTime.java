package io.hastack.resources.alert;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.Locale;

/**
 * Pacemaker's {@code timestamp-format}: strftime conversions plus {@code %<n>N}, the first n digits
 * (1-6; 6 if none given) of the fraction of the second, truncated. Supported: {@code %Y %y %m %d %e
 * %H %I %M %S %p %j %a %A %b %B %h %T %F %D %R %z %Z %s %n %t %%} and {@code %N}.
 */
public final class AlertTime {
    private AlertTime() {}

    /**
     * Checks {@code format}.
     *
     * @throws IllegalArgumentException naming the conversion that is not supported
     */
    public static void check(String format) {
        format(format, Instant.EPOCH, ZoneId.of("UTC"));
    }

    /** {@code time} in {@code zone}, written as {@code format} says. */
    public static String format(String format, Instant time, ZoneId zone) {
        ZonedDateTime t = time.atZone(zone);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (++i >= format.length()) {
                throw new IllegalArgumentException("timestamp-format '" + format + "' ends with a lone %");
            }
            int digits = 6;
            if (Character.isDigit(format.charAt(i))) {
                int start = i;
                while (i < format.length() && Character.isDigit(format.charAt(i))) {
                    i++;
                }
                digits = Integer.parseInt(format.substring(start, i));
                if (i >= format.length() || format.charAt(i) != 'N') {
                    throw new IllegalArgumentException("timestamp-format '" + format
                            + "': a width is only supported before N (%<digits>N, the fraction of the second)");
                }
                digits = Math.max(1, Math.min(6, digits == 0 ? 6 : digits));
            }
            char conversion = format.charAt(i);
            out.append(
                    switch (conversion) {
                        case 'Y' -> String.valueOf(t.getYear());
                        case 'y' -> two(t.getYear() % 100);
                        case 'm' -> two(t.getMonthValue());
                        case 'd' -> two(t.getDayOfMonth());
                        case 'e' -> String.format(Locale.ROOT, "%2d", t.getDayOfMonth());
                        case 'H' -> two(t.getHour());
                        case 'I' -> two(t.getHour() % 12 == 0 ? 12 : t.getHour() % 12);
                        case 'M' -> two(t.getMinute());
                        case 'S' -> two(t.getSecond());
                        case 'p' -> t.getHour() < 12 ? "AM" : "PM";
                        case 'j' -> String.format(Locale.ROOT, "%03d", t.getDayOfYear());
                        case 'a' -> t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ROOT);
                        case 'A' -> t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ROOT);
                        case 'b', 'h' -> t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ROOT);
                        case 'B' -> t.getMonth().getDisplayName(TextStyle.FULL, Locale.ROOT);
                        case 'T' -> two(t.getHour()) + ":" + two(t.getMinute()) + ":" + two(t.getSecond());
                        case 'R' -> two(t.getHour()) + ":" + two(t.getMinute());
                        case 'F' -> t.getYear() + "-" + two(t.getMonthValue()) + "-" + two(t.getDayOfMonth());
                        case 'D' ->
                            two(t.getMonthValue()) + "/" + two(t.getDayOfMonth()) + "/" + two(t.getYear() % 100);
                        case 'z' ->
                            t.getOffset().getId().equals("Z")
                                    ? "+0000"
                                    : t.getOffset().getId().replace(":", "");
                        case 'Z' -> t.getZone().getDisplayName(TextStyle.SHORT, Locale.ROOT);
                        case 's' -> String.valueOf(time.getEpochSecond());
                        case 'N' ->
                            String.format(Locale.ROOT, "%06d", time.getNano() / 1000)
                                    .substring(0, digits);
                        case 'n' -> "\n";
                        case 't' -> "\t";
                        case '%' -> "%";
                        default ->
                            throw new IllegalArgumentException(
                                    "timestamp-format '" + format + "': %" + conversion + " is not supported");
                    });
        }
        return out.toString();
    }

    private static String two(int n) {
        return String.format(Locale.ROOT, "%02d", n);
    }
}
