package io.hastack.resources.ocf;

import io.hastack.core.model.Operation;
import io.hastack.core.spi.agent.AgentMetadata;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Parses an OCF agent's {@code meta-data} XML (the {@code resource-agent} document of the OCF
 * specification) into {@link AgentMetadata}. External DTDs and entities are never loaded.
 */
final class OcfMetadata {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|msec|s|sec|m|min|h|hr)?");

    private OcfMetadata() {}

    /**
     * Parses {@code xml}.
     *
     * @throws IllegalArgumentException if it is not a resource-agent document
     */
    static AgentMetadata parse(String typeName, String xml) {
        Element root = root(typeName, xml);
        List<AgentMetadata.Parameter> parameters = new ArrayList<>();
        NodeList ps = root.getElementsByTagName("parameter");
        for (int i = 0; i < ps.getLength(); i++) {
            Element p = (Element) ps.item(i);
            String def = "";
            NodeList content = p.getElementsByTagName("content");
            if (content.getLength() > 0) {
                def = ((Element) content.item(0)).getAttribute("default");
            }
            parameters.add(new AgentMetadata.Parameter(
                    p.getAttribute("name"), isTrue(p.getAttribute("required")), def, text(p, "shortdesc")));
        }
        Map<Operation, Duration> timeouts = new EnumMap<>(Operation.class);
        NodeList as = root.getElementsByTagName("action");
        for (int i = 0; i < as.getLength(); i++) {
            Element a = (Element) as.item(i);
            Operation op = switch (a.getAttribute("name")) {
                case "start" -> Operation.START;
                case "stop" -> Operation.STOP;
                case "monitor" -> Operation.MONITOR;
                case "validate-all" -> Operation.VALIDATE;
                default -> null;
            };
            if (op != null && !a.getAttribute("timeout").isEmpty() && !timeouts.containsKey(op)) {
                timeouts.put(op, duration(a.getAttribute("timeout")));
            }
        }
        String description = text(root, "shortdesc");
        return new AgentMetadata(typeName, description, parameters, timeouts);
    }

    /**
     * The {@code <resource-agent>} element of {@code xml}, parsed without external entities.
     *
     * @throws IllegalArgumentException if it is not a resource-agent document
     */
    private static Element root(String typeName, String xml) {
        // Agents may print warnings (stderr is merged into the output) before the document.
        int begin = xml.indexOf("<?xml");
        if (begin < 0) {
            begin = xml.indexOf("<resource-agent");
        }
        if (begin > 0) {
            xml = xml.substring(begin);
        }
        Document doc;
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(null);
            doc = b.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalArgumentException(typeName + ": meta-data is not valid XML: " + e.getMessage(), e);
        }
        Element root = doc.getDocumentElement();
        if (!root.getTagName().equals("resource-agent")) {
            throw new IllegalArgumentException(
                    typeName + ": meta-data root is <" + root.getTagName() + ">, not <resource-agent>");
        }
        return root;
    }

    /**
     * How the agent reloads, as Pacemaker reads it: an agent of OCF 1.1 or later (its {@code
     * <version>}) with a {@code reload-agent} action reloads the parameters marked {@code
     * reloadable="1"} (its {@code reload} re-reads the service's own configuration, and changes no
     * parameter); an older one with a {@code reload} action (the older convention) reloads the
     * parameters not marked {@code unique="1"}. Empty otherwise.
     *
     * @param action the action to run
     * @param parameters the parameters a reload applies
     */
    record Reload(String action, java.util.Set<String> parameters) {
        Reload {
            parameters = java.util.Set.copyOf(parameters);
        }
    }

    /** The agent's {@link Reload}, from the meta-data {@code xml} that {@link #parse} accepted. */
    static java.util.Optional<Reload> reload(String xml) {
        Element root;
        try {
            root = root("meta-data", xml);
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
        java.util.Set<String> actions = new java.util.HashSet<>();
        NodeList as = root.getElementsByTagName("action");
        for (int i = 0; i < as.getLength(); i++) {
            actions.add(((Element) as.item(i)).getAttribute("name"));
        }
        NodeList versions = root.getElementsByTagName("version");
        boolean ocf11 = versions.getLength() > 0
                && atLeast11(versions.item(0).getTextContent().strip());
        boolean agent = ocf11 && actions.contains("reload-agent");
        if (!agent && (ocf11 || !actions.contains("reload"))) {
            return java.util.Optional.empty();
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        NodeList ps = root.getElementsByTagName("parameter");
        for (int i = 0; i < ps.getLength(); i++) {
            Element p = (Element) ps.item(i);
            if (agent ? isTrue(p.getAttribute("reloadable")) : !isTrue(p.getAttribute("unique"))) {
                names.add(p.getAttribute("name"));
            }
        }
        return java.util.Optional.of(new Reload(agent ? "reload-agent" : "reload", names));
    }

    /** True if the OCF version {@code v} ({@code major.minor}) is 1.1 or later. */
    private static boolean atLeast11(String v) {
        String[] parts = v.split("\\.");
        try {
            int major = Integer.parseInt(parts[0]);
            int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return major > 1 || (major == 1 && minor >= 1);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean isTrue(String v) {
        return v.equals("1") || v.equalsIgnoreCase("true") || v.equalsIgnoreCase("yes");
    }

    private static String text(Element parent, String tag) {
        NodeList children = parent.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element e && e.getTagName().equals(tag)) {
                return e.getTextContent().strip().replaceAll("\\s+", " ");
            }
        }
        return "";
    }

    /** An OCF/Pacemaker interval: {@code 20}, {@code 20s}, {@code 2m}, {@code 2min}, {@code 500ms}, {@code 1h}. */
    static Duration duration(String text) {
        Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not an OCF interval (like 20s, 2min, 500ms)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms", "msec" -> Duration.ofMillis(n);
            case "m", "min" -> Duration.ofMinutes(n);
            case "h", "hr" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }
}
