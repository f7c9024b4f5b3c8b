package io.cuecast.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Loads the config in the order defaults → YAML file → environment ({@code CUECAST_...}), then
 * validates. Unknown keys in the file and unknown {@code CUECAST_} variables are errors, and every
 * error names the key, so a typo never silently falls back to a default.
 *
 * <p>Environment names are the key path in upper snake case: {@code rtmp.port} is
 * {@code CUECAST_RTMP_PORT}, {@code hls.segmentDurationMs} is {@code CUECAST_HLS_SEGMENT_DURATION_MS}.
 */
public final class ConfigLoader {
    /** The variable that names the config file; not a config key itself. */
    public static final String CONFIG_FILE_VARIABLE = "CUECAST_CONFIG";
    private static final String ENV_PREFIX = "CUECAST_";
    /** Variables read by the launch scripts and logging, not config keys: never rejected. */
    public static final Set<String> NON_CONFIG_VARIABLES =
            Set.of(CONFIG_FILE_VARIABLE, "CUECAST_JAVA_OPTS", "CUECAST_LOG_LEVEL");

    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    /**
     * Loads the config.
     *
     * @param file YAML file, or null for none
     * @param env environment variables (usually {@code System.getenv()})
     */
    public CuecastConfig load(Path file, Map<String, String> env) {
        ObjectNode tree = yaml.valueToTree(CuecastConfig.defaults());
        if (file != null) {
            JsonNode fromFile = readFile(file);
            if (fromFile != null && !fromFile.isNull() && !fromFile.isMissingNode()) {
                if (!fromFile.isObject()) {
                    throw new ConfigException(file + ": the top level must be a mapping of keys");
                }
                merge(tree, (ObjectNode) fromFile, "", file.toString());
            }
        }
        applyEnvironment(tree, env);
        CuecastConfig config;
        try {
            config = yaml.treeToValue(tree, CuecastConfig.class);
        } catch (JsonProcessingException e) {
            throw new ConfigException("invalid config: " + e.getOriginalMessage(), e);
        }
        ConfigValidator.validate(config);
        return config;
    }

    /**
     * A ladder from a JSON or YAML object whose keys override {@code base} (the admin API's
     * per-stream ladder): keys left out keep the base's values, rung keys left out take the rung
     * defaults, unknown keys and wrong values are errors naming the key.
     *
     * @param origin where the text came from, for messages (for example {@code request body})
     */
    public CuecastConfig.Ladder ladder(JsonNode overrides, CuecastConfig.Ladder base, String origin) {
        if (overrides == null || !overrides.isObject()) {
            throw new ConfigException(origin + ": the ladder must be an object of keys");
        }
        for (String serverWide : SERVER_WIDE_LADDER_KEYS) {
            if (overrides.has(serverWide)) {
                throw new ConfigException(origin + ": '" + serverWide
                        + "' is a server-wide setting (ladder." + serverWide + " in the config), not per stream");
            }
        }
        ObjectNode tree = yaml.valueToTree(base);
        merge(tree, (ObjectNode) overrides, "", origin);
        CuecastConfig.Ladder ladder;
        try {
            ladder = yaml.treeToValue(tree, CuecastConfig.Ladder.class);
        } catch (JsonProcessingException e) {
            throw new ConfigException(origin + ": invalid ladder: " + e.getOriginalMessage(), e);
        }
        ConfigValidator.validateLadder("ladder", ladder);
        return ladder;
    }

    /** Keys of the ladder that are server-wide: not part of a stream's own ladder. */
    private static final List<String> SERVER_WIDE_LADDER_KEYS = List.of("maxConcurrent", "maxSourcePixels");

    /** A stream's ladder as a JSON tree, for storing and showing it (without the server-wide keys). */
    public JsonNode tree(CuecastConfig.Ladder ladder) {
        ObjectNode tree = yaml.valueToTree(ladder);
        tree.remove(SERVER_WIDE_LADDER_KEYS);
        return tree;
    }

    private JsonNode readFile(Path file) {
        try {
            return yaml.readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            throw new ConfigException(file + ": not valid YAML: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static void merge(ObjectNode target, ObjectNode source, String prefix, String origin) {
        Iterator<Map.Entry<String, JsonNode>> it = source.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = prefix + e.getKey();
            JsonNode existing = target.get(e.getKey());
            if (existing == null) {
                throw new ConfigException(origin + ": unknown key '" + key + "'" + suggestion(target, prefix));
            }
            if (existing.isObject()) {
                if (!e.getValue().isObject()) {
                    throw new ConfigException(origin + ": '" + key + "' must be a mapping of keys");
                }
                merge((ObjectNode) existing, (ObjectNode) e.getValue(), key + ".", origin);
            } else if (existing.isArray()) {
                target.set(e.getKey(), list(e.getValue(), key, origin));
            } else {
                if (e.getValue().isContainerNode()) {
                    throw new ConfigException(origin + ": '" + key + "' must be a single value");
                }
                target.set(e.getKey(), coerce(existing, e.getValue(), key, origin));
            }
        }
    }

    /**
     * A list replaces the default list as a whole; each item is a mapping merged over the item
     * template, so only the keys that differ from the defaults need writing.
     */
    private static JsonNode list(JsonNode value, String key, String origin) {
        if (!value.isArray()) {
            throw new ConfigException(origin + ": '" + key + "' must be a list");
        }
        String name = key.substring(key.lastIndexOf('.') + 1);
        if (TEXT_LISTS.contains(name)) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < value.size(); i++) {
                if (!value.get(i).isValueNode() || value.get(i).isNull()) {
                    throw new ConfigException(origin + ": '" + key + "[" + i + "]' must be a single value");
                }
                out.add(value.get(i).asText());
            }
            return out;
        }
        ObjectNode template = ITEM_TEMPLATES.get(name);
        if (template == null) {
            throw new ConfigException(origin + ": '" + key + "' cannot be a list");
        }
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            if (!item.isObject()) {
                throw new ConfigException(origin + ": '" + key + "[" + i + "]' must be a mapping of keys");
            }
            ObjectNode merged = template.deepCopy();
            merge(merged, (ObjectNode) item, key + "[" + i + "].", origin);
            out.add(merged);
        }
        return out;
    }

    /** List-valued keys whose items are plain values (an environment variable writes them as {@code [a, b]}). */
    private static final Set<String> TEXT_LISTS = Set.of("advertisedAddresses", "upstreams");

    /** Item templates of the list-valued keys, by their last name. */
    private static final Map<String, ObjectNode> ITEM_TEMPLATES = Map.of(
            "rungs", new ObjectMapper().valueToTree(CuecastConfig.rung(0, 0)),
            "defaults", new ObjectMapper().valueToTree(new CuecastConfig.DefaultRelay("", "source")));

    private static JsonNode coerce(JsonNode existing, JsonNode value, String key, String origin) {
        if (existing.isBoolean()) {
            if (value.isBoolean()) {
                return value;
            }
            String text = value.asText().trim().toLowerCase(Locale.ROOT);
            if (text.equals("true") || text.equals("false")) {
                return BooleanNode.valueOf(Boolean.parseBoolean(text));
            }
            throw new ConfigException(origin + ": '" + key + "' must be true or false, got '" + value.asText() + "'");
        }
        if (existing.isIntegralNumber()) {
            if (value.isIntegralNumber() && value.canConvertToInt()) {
                return value;
            }
            if (value.isTextual()) {
                try {
                    return IntNode.valueOf(Integer.parseInt(value.asText().trim()));
                } catch (NumberFormatException ignored) {
                    // fall through to the error below
                }
            }
            throw new ConfigException(origin + ": '" + key + "' must be an integer, got '" + value.asText() + "'");
        }
        if (value.isNull()) {
            return TextNode.valueOf("");
        }
        return TextNode.valueOf(value.asText());
    }

    private static String suggestion(ObjectNode level, String prefix) {
        List<String> keys = new ArrayList<>();
        level.fieldNames().forEachRemaining(k -> keys.add(prefix + k));
        return " (known keys here: " + String.join(", ", keys) + ")";
    }

    private void applyEnvironment(ObjectNode tree, Map<String, String> env) {
        Map<String, String[]> known = new TreeMap<>();
        collectEnvNames(tree, new ArrayList<>(), known);
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            String name = e.getKey();
            if (!name.startsWith(ENV_PREFIX) || NON_CONFIG_VARIABLES.contains(name)) {
                continue;
            }
            String[] path = known.get(name);
            if (path == null) {
                throw new ConfigException("environment: unknown variable " + name
                        + " (known: " + String.join(", ", known.keySet()) + ", and "
                        + String.join(", ", new TreeSet<>(NON_CONFIG_VARIABLES)) + ")");
            }
            ObjectNode parent = tree;
            for (int i = 0; i < path.length - 1; i++) {
                parent = (ObjectNode) parent.get(path[i]);
            }
            String leaf = path[path.length - 1];
            String key = String.join(".", path);
            if (parent.get(leaf).isArray()) {
                // A list in one variable is written as YAML, for example [{shortSide: 480, videoKbps: 1000}].
                JsonNode parsed;
                try {
                    parsed = yaml.readTree(e.getValue());
                } catch (JsonProcessingException ex) {
                    throw new ConfigException("environment " + name + ": not a YAML list: " + ex.getOriginalMessage(), ex);
                }
                parent.set(leaf, list(parsed == null ? JsonNodeFactory.instance.arrayNode() : parsed, key,
                        "environment " + name));
                continue;
            }
            parent.set(leaf, coerce(parent.get(leaf), TextNode.valueOf(e.getValue()),
                    String.join(".", path), "environment " + name));
        }
    }

    private static void collectEnvNames(JsonNode node, List<String> path, Map<String, String[]> out) {
        node.fields().forEachRemaining(e -> {
            List<String> p = new ArrayList<>(path);
            p.add(e.getKey());
            if (e.getValue().isObject()) {
                collectEnvNames(e.getValue(), p, out);
            } else {
                out.put(envName(p), p.toArray(String[]::new));
            }
        });
    }

    /** {@code [hls, segmentDurationMs]} → {@code CUECAST_HLS_SEGMENT_DURATION_MS}. */
    static String envName(List<String> path) {
        StringBuilder sb = new StringBuilder(ENV_PREFIX);
        for (int i = 0; i < path.size(); i++) {
            if (i > 0) {
                sb.append('_');
            }
            sb.append(path.get(i).replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT));
        }
        return sb.toString();
    }
}
