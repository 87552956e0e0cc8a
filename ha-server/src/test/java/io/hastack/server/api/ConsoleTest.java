package io.hastack.server.api;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hastack.core.model.ClusterConfig;
import io.hastack.core.model.NodeId;
import io.hastack.core.runtime.HaNode;
import io.hastack.server.config.ConfigFile;
import io.hastack.testkit.InProcessCluster;
import io.hastack.testsupport.Prerequisites;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real headless Chromium (Debian's {@code chromium} and {@code
 * chromium-driver}, driven by Selenium): a three-node in-process cluster, each node serving the
 * admin API; the browser logs in on one node's console, watches the group fail over when its node
 * crashes, and puts the survivor in standby from the page. A screenshot of each step goes to {@code
 * target/console/}.
 */
@Tag("functional")
class ConsoleTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String TOKEN = "console-token-0123456789abcdef";
    private static final Path SHOTS = Path.of("target", "console");
    private static final List<String> NODES = List.of("n1", "n2", "n3");

    /** One group, {@code webshop} (resource {@code shop}), on the witness agent. */
    private static final String FILE = """
            cluster: console-test
            insecure: true
            nodes:
              n1: 127.0.0.1:17811
              n2: 127.0.0.1:17812
              n3: 127.0.0.1:17813
            groups:
              webshop:
                resources:
                  - id: shop
                    agent: witness
                    monitor-interval: 200ms
            """;

    @TempDir
    Path dir;

    private final InProcessCluster cluster = new InProcessCluster();
    private final Map<String, AdminServer> servers = new LinkedHashMap<>();
    private WebDriver browser;

    @AfterEach
    void close() {
        if (browser != null) {
            browser.quit();
        }
        servers.values().forEach(AdminServer::close);
        cluster.close();
    }

    @Test
    void logsInWatchesAFailoverAndPutsANodeInStandby() throws IOException {
        Prerequisites.requireExecutable(CHROMIUM, "chromium");
        Prerequisites.requireExecutable(CHROMEDRIVER, "chromium-driver");
        browser = chromium(); // first: a cold start of Chromium must not stall the running nodes
        startCluster();
        String first = runningOn();
        // The browser is on a survivor's console, the coordinator's if it survives (it plans).
        String coordinator = cluster.coordinatorStatus().node().value();
        String viewer = !coordinator.equals(first)
                ? coordinator
                : NODES.stream().filter(n -> !n.equals(first)).findFirst().orElseThrow();
        String base = servers.get(viewer).uri().toString();

        // a. Without a session: the login page, and no cluster data.
        browser.get(base + "/");
        assertEquals(1, browser.findElements(By.id("token")).size(), "the login page's token field");
        assertFalse(browser.getPageSource().contains("webshop"), browser.getPageSource());
        assertTrue(browser.findElements(By.cssSelector("[data-group]")).isEmpty());
        screenshot("01-login");
        browser.findElement(By.id("token")).sendKeys("not-the-token-at-all");
        browser.findElement(By.id("login-button")).click();
        // The click submits a form: the answer is a new page, which may load after click() returns.
        await().atMost(InProcessCluster.WAIT)
                .ignoreExceptions()
                .until(() -> browser.findElement(By.id("login-error")).getText().contains("token is wrong"));
        assertFalse(browser.getPageSource().contains("webshop"), browser.getPageSource());
        assertEquals(1L, servers.get(viewer).refusals().counts().get("wrong token"));

        // b. Logged in: the group on its node.
        browser.findElement(By.id("token")).sendKeys(TOKEN);
        browser.findElement(By.id("login-button")).click();
        await().atMost(InProcessCluster.WAIT)
                .ignoreExceptions()
                .until(() -> groupNode().equals(first));
        assertEquals(
                "online",
                stable(() -> browser.findElement(By.cssSelector("#nodes tr[data-node='" + first + "'] .status"))
                        .getText()));
        screenshot("02-logged-in");

        // c. Its node crashes: the group on a survivor, the node offline, the failover's timeline.
        cluster.crash(first);
        servers.remove(first).close(); // its node crashed: its API is gone with it
        await().atMost(InProcessCluster.WAIT)
                .ignoreExceptions()
                .until(() -> !groupNode().isEmpty()
                        && !groupNode().equals(first)
                        && browser.findElements(By.cssSelector("#timeline .phase"))
                                        .size()
                                >= 3
                        && !browser.findElement(By.id("slowest"))
                                .getDomAttribute("data-phase")
                                .isEmpty());
        String survivor = groupNode();
        assertNotEquals(first, survivor);
        await().atMost(InProcessCluster.WAIT)
                .ignoreExceptions()
                .until(() -> runningOn().equals(survivor));
        await().atMost(InProcessCluster.WAIT)
                .ignoreExceptions()
                .until(() -> browser.findElement(By.cssSelector("#nodes tr[data-node='" + first + "'] .status"))
                        .getText()
                        .equals("offline"));
        String start = stable(
                () -> browser.findElement(By.cssSelector("#timeline .phase")).getDomAttribute("data-phase"));
        assertTrue(Set.of("MEMBER_SUSPECTED", "VIEW_INSTALLED").contains(start), start);
        String slowest = stable(() -> browser.findElement(By.id("slowest")).getText());
        assertTrue(slowest.startsWith("Slowest phase: "), slowest);
        screenshot("03-failover");

        // The cluster's timeline, on the console of the node that did not take the group: the
        // survivor's start and its service's answer are in it, after the view that lost the node.
        String third = NODES.stream()
                .filter(n -> !n.equals(first) && !n.equals(survivor))
                .findFirst()
                .orElseThrow();
        login(third);
        await().atMost(InProcessCluster.WAIT)
                .ignoreExceptions()
                .until(() -> !browser.findElements(By.cssSelector("#timeline .phase[data-phase='SERVICE_ANSWERING']"))
                        .isEmpty());
        List<String> phases = stable(() -> browser.findElements(By.cssSelector("#timeline .phase")).stream()
                .map(p -> p.getDomAttribute("data-name"))
                .toList());
        assertTrue(phases.contains("start shop on " + survivor), phases.toString());
        assertTrue(phases.contains("service answering on " + survivor), phases.toString());
        assertTrue(phases.contains("new view"), phases.toString());
        assertTrue(phases.indexOf("new view") < phases.indexOf("start shop on " + survivor), phases.toString());
        assertTrue(
                stable(() -> browser.findElement(By.id("timeline-missing")).getText())
                        .contains(first + ": unreachable"),
                "the crashed node's console is closed too");
        screenshot("03b-cluster-timeline");

        // d. Standby of the survivor from the (third node's) page: the group moves to the third node.
        click(By.cssSelector("button.standby[data-node='" + survivor + "']"));
        new WebDriverWait(browser, Duration.ofSeconds(10))
                .until(ExpectedConditions.alertIsPresent())
                .accept();
        await().atMost(InProcessCluster.WAIT)
                .ignoreExceptions()
                .until(() -> groupNode().equals(third)
                        && browser.findElement(By.cssSelector("#nodes tr[data-node='" + survivor + "'] .status"))
                                .getText()
                                .equals("standby"));
        await().atMost(InProcessCluster.WAIT)
                .ignoreExceptions()
                .until(() -> runningOn().equals(third));
        screenshot("04-standby");
    }

    @Test
    void showsWhyAGroupRunsWhereItRunsMovesItAndCleansUpAResource() throws IOException {
        Prerequisites.requireExecutable(CHROMIUM, "chromium");
        Prerequisites.requireExecutable(CHROMEDRIVER, "chromium-driver");
        browser = chromium(); // first: a cold start of Chromium must not stall the running nodes
        startCluster();
        String coordinator = cluster.coordinatorStatus().node().value();
        login(coordinator);
        String first = runningOn();
        await().atMost(InProcessCluster.WAIT)
                .ignoreExceptions()
                .until(() -> groupNode().equals(first));

        // a. A click on the group: the coordinator's scores for every node, and the group's history.
        click(By.cssSelector("button.group-name[data-group='webshop']"));
        await().atMost(InProcessCluster.WAIT)
                .ignoreExceptions()
                .until(() ->
                        browser.findElements(By.cssSelector("#scores tbody tr")).size() == NODES.size()
                                && !browser.findElements(
                                                By.cssSelector("#group-history li[data-type='ACTION_SUCCEEDED']"))
                                        .isEmpty());
        String runs =
                stable(() -> browser.findElement(By.cssSelector("#detail p")).getText());
        assertEquals("Runs on " + first, runs);
        String score = stable(() -> browser.findElement(By.cssSelector("#scores tr[data-node='" + first + "'] .score"))
                .getText());
        assertFalse(score.isEmpty(), "the running node's score");
        screenshot("05-why");

        // b. The move list offers the other online nodes only; a move from the page, confirmed.
        List<String> offered = stable(
                () -> browser.findElements(By.cssSelector("select.move-target[data-group='webshop'] option")).stream()
                        .map(o -> o.getDomAttribute("value"))
                        .sorted()
                        .toList());
        List<String> others =
                NODES.stream().filter(n -> !n.equals(first)).sorted().toList();
        assertEquals(others, offered);
        String target = others.get(0);
        // Selected and clicked in one go: a redraw in between would reset the selection.
        stable(() -> {
            new Select(browser.findElement(By.cssSelector("select.move-target[data-group='webshop']")))
                    .selectByValue(target);
            browser.findElement(By.cssSelector("button.move[data-group='webshop']"))
                    .click();
            return true;
        });
        new WebDriverWait(browser, Duration.ofSeconds(10))
                .until(ExpectedConditions.alertIsPresent())
                .accept();
        await().atMost(InProcessCluster.WAIT)
                .ignoreExceptions()
                .until(() -> groupNode().equals(target) && runningOn().equals(target));
        assertTrue(stable(() -> browser.findElement(By.id("message")).getText())
                .startsWith("Done: Move webshop to " + target));
        screenshot("06-moved");

        // c. A monitor failure counted on the target; cleanup from the page forgets it.
        cluster.witness.failMonitor(NodeId.of(target), "shop", true);
        await().atMost(InProcessCluster.WAIT)
                .ignoreExceptions()
                .until(() -> failuresShown(target).contains("shop: "));
        cluster.witness.failMonitor(NodeId.of(target), "shop", false);
        screenshot("07-failure");
        click(By.cssSelector("button.cleanup[data-resource='shop']"));
        new WebDriverWait(browser, Duration.ofSeconds(10))
                .until(ExpectedConditions.alertIsPresent())
                .accept();
        await().atMost(InProcessCluster.WAIT)
                .ignoreExceptions()
                .until(() -> failuresShown(target).isEmpty()
                        && cluster.coordinatorStatus().nodes().stream()
                                .allMatch(n -> n.failCounts().isEmpty()));
        screenshot("08-cleaned-up");

        // d. The page works against any node; a member that does not plan says whom to ask for scores.
        String member =
                NODES.stream().filter(n -> !n.equals(coordinator)).findFirst().orElseThrow();
        login(member);
        await().atMost(InProcessCluster.WAIT)
                .ignoreExceptions()
                .until(() -> groupNode().equals(runningOn()));
        click(By.cssSelector("button.group-name[data-group='webshop']"));
        await().atMost(InProcessCluster.WAIT)
                .ignoreExceptions()
                .until(() -> browser.findElement(By.id("why-error")).getText().contains("ask " + coordinator));
    }

    /**
     * The page's reading of a failover from events (its function {@code failover}, run in the
     * browser on made-up events of three nodes): the lease wait cut short by the fence, a start that
     * the taking node's clock put just after the coordinator's convergence, the answer of the node
     * that started; not the answer of a node that started nothing, nor a start long after.
     */
    @Test
    void theTimelineIsReadFromEveryNodesEvents() throws IOException {
        Prerequisites.requireExecutable(CHROMIUM, "chromium");
        Prerequisites.requireExecutable(CHROMEDRIVER, "chromium-driver");
        browser = chromium();
        startCluster();
        login(NODES.get(0));
        String t0 = "2026-11-30T06:00:00";
        String events = "["
                + event(t0 + ".000Z", "n2", "VIEW_INSTALLED", "v2", "{\"left\": []}") + ","
                + event(t0 + ".500Z", "n2", "MEMBER_SUSPECTED", "n1", "{}") + ","
                + event(t0 + ".800Z", "n2", "VIEW_INSTALLED", "v3", "{\"left\": [\"n1\"]}") + ","
                + event(t0 + ".810Z", "n2", "TAKEOVER_WAIT", "v3", "{\"holdForMs\": 4000, \"nodes\": [\"n1\"]}")
                + "," + event("2026-11-30T06:00:01.300Z", "n2", "NODE_FENCED", "n1", "{}") + ","
                + event("2026-11-30T06:00:01.310Z", "n2", "PLAN_COMPUTED", "v3", "{}") + ","
                + event("2026-11-30T06:00:01.340Z", "n2", "CONVERGED", "v3", "{}") + ","
                + event("2026-11-30T06:00:01.345Z", "n3", "ACTION_SUCCEEDED", "web", "{\"action\": \"START\"}") + ","
                + event("2026-11-30T06:00:01.400Z", "n3", "SERVICE_ANSWERING", "g", "{}") + ","
                + event("2026-11-30T06:00:01.450Z", "n2", "SERVICE_ANSWERING", "g", "{}") + ","
                + event("2026-11-30T06:00:09.000Z", "n3", "ACTION_SUCCEEDED", "other", "{\"action\": \"START\"}")
                + "]";
        Object read = ((org.openqa.selenium.JavascriptExecutor) browser)
                .executeScript("return JSON.stringify(failover(JSON.parse(arguments[0])))", events);
        com.fasterxml.jackson.databind.JsonNode t =
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(String.valueOf(read));
        Map<String, Long> phases = new LinkedHashMap<>();
        t.path("phases")
                .forEach(p -> phases.put(p.path("name").asText(), p.path("ms").asLong()));
        Map<String, Long> expected = new LinkedHashMap<>();
        expected.put("detected n1", 0L);
        expected.put("new view", 300L);
        expected.put("lease wait", 310L);
        expected.put("fenced n1", 800L);
        expected.put("lease expired", 800L);
        expected.put("plan", 810L);
        expected.put("converged", 840L);
        expected.put("start web on n3", 845L);
        expected.put("service answering on n3", 900L);
        assertEquals(expected, phases);
        assertEquals(3, t.path("slowest").path("index").asInt(), "lease wait → fenced n1, 490 ms: " + t);
    }

    private static String event(String time, String node, String type, String subject, String data) {
        return "{\"time\": \"" + time + "\", \"node\": \"" + node + "\", \"type\": \"" + type + "\", \"subject\": \""
                + subject + "\", \"detail\": \"\", \"data\": " + data + "}";
    }

    @Test
    void aSessionCookieOpensTheApiButACommandNeedsTheConsoleHeader() throws IOException, InterruptedException {
        startCluster();
        String node = NODES.get(0);
        String base = servers.get(node).uri().toString();
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> login = http.send(
                HttpRequest.newBuilder(URI.create(base + "/login"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "token=" + URLEncoder.encode(TOKEN, StandardCharsets.UTF_8)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(303, login.statusCode(), login.body());
        assertEquals("/", login.headers().firstValue("Location").orElseThrow());
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"), setCookie);
        assertFalse(setCookie.contains("Secure"), "no TLS here: " + setCookie);
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        HttpRequest.Builder status =
                HttpRequest.newBuilder(URI.create(base + "/api/v1/status")).header("Cookie", cookie);
        assertEquals(
                200,
                http.send(status.build(), HttpResponse.BodyHandlers.ofString()).statusCode());

        // A command with the cookie alone (a cross-site form could send it): refused, nothing done.
        HttpRequest.Builder standby = HttpRequest.newBuilder(URI.create(base + "/api/v1/nodes/" + node + "/standby"))
                .header("Cookie", cookie)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"on\": true}"));
        HttpResponse<String> forged = http.send(standby.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, forged.statusCode(), forged.body());
        assertTrue(forged.body().contains(Console.HEADER), forged.body());
        assertEquals(
                "online",
                Json.status(cluster.node(node).status().nodes().stream()
                        .filter(n -> n.node().value().equals(node))
                        .findFirst()
                        .orElseThrow()
                        .status()));
        HttpResponse<String> real =
                http.send(standby.header(Console.HEADER, "1").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, real.statusCode(), real.body());

        // After the logout the cookie opens nothing, and the refusal is counted.
        HttpResponse<String> logout = http.send(
                HttpRequest.newBuilder(URI.create(base + "/logout"))
                        .header("Cookie", cookie)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(303, logout.statusCode());
        HttpResponse<String> after = http.send(status.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, after.statusCode(), after.body());
        assertEquals(1L, servers.get(node).refusals().counts().get("unknown session"));
        HttpResponse<String> page = http.send(
                HttpRequest.newBuilder(URI.create(base + "/"))
                        .header("Cookie", cookie)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, page.statusCode());
        assertTrue(page.body().contains("name=\"token\"") && !page.body().contains("webshop"), page.body());
    }

    /**
     * What {@code read} gives, read again if the page redrew an element under it: the page redraws
     * its status every second, and an element found before a redraw is stale after it.
     */
    private static <T> T stable(java.util.concurrent.Callable<T> read) {
        return await().atMost(InProcessCluster.WAIT)
                .ignoreException(StaleElementReferenceException.class)
                .until(read, v -> true);
    }

    /** Clicks the element {@code by} finds, found again if a redraw made it stale before the click. */
    private void click(By by) {
        stable(() -> {
            browser.findElement(by).click();
            return true;
        });
    }

    /** Opens {@code node}'s console and logs in with the token. */
    private void login(String node) {
        browser.get(servers.get(node).uri() + "/");
        browser.findElement(By.id("token")).sendKeys(TOKEN);
        browser.findElement(By.id("login-button")).click();
        await().atMost(InProcessCluster.WAIT)
                .ignoreExceptions()
                .until(() -> !browser.findElements(By.cssSelector("div.group[data-group='webshop']"))
                        .isEmpty());
    }

    /** The failures the page shows for {@code node}. */
    private String failuresShown(String node) {
        return browser.findElement(By.cssSelector("#nodes tr[data-node='" + node + "'] .failures"))
                .getText();
    }

    /** The node the page shows the group on ({@code data-node}), empty if none. */
    private String groupNode() {
        WebElement group = browser.findElement(By.cssSelector("div.group[data-group='webshop']"));
        String node = group.getDomAttribute("data-node");
        return node == null ? "" : node;
    }

    private String runningOn() {
        Set<NodeId> on = cluster.witness.runningOn("shop");
        assertEquals(1, on.size(), "shop runs on " + on);
        return on.iterator().next().value();
    }

    private void startCluster() throws IOException {
        Path tokenFile = dir.resolve("admin.token");
        Files.writeString(tokenFile, TOKEN + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
        Path configFile = dir.resolve("cluster.yaml");
        Files.writeString(configFile, FILE, StandardCharsets.UTF_8);
        ClusterConfig config = ConfigFile.load(configFile).config();
        // The "service" answers on a node once shop runs there (as an HTTP check would).
        cluster.serviceCheck(
                io.hastack.core.model.GroupId.of("webshop"), node -> new io.hastack.core.spi.check.ServiceCheck() {
                    @Override
                    public String target() {
                        return "witness:" + node;
                    }

                    @Override
                    public boolean answers(Duration timeout) {
                        return cluster.witness.runningOn("shop").contains(node);
                    }
                });
        for (String n : NODES) {
            HaNode node = cluster.start(n, config);
            AdminServer server =
                    new AdminServer(node, AdminSettings.of(tokenFile).withPort(0), configFile);
            server.start();
            servers.put(n, server);
        }
        // Each console merges the others' histories into its timeline.
        Map<String, URI> uris = new LinkedHashMap<>();
        servers.forEach((n, server) -> uris.put(n, server.uri()));
        servers.values().forEach(server -> server.peers(peer -> java.util.Optional.ofNullable(uris.get(peer.value()))));
        cluster.awaitView(NODES.size());
        await().atMost(InProcessCluster.WAIT)
                .until(() -> cluster.witness.runningOn("shop").size() == 1);
    }

    /** Debian's headless Chromium through its chromedriver: Selenium Manager downloads nothing. */
    private static WebDriver chromium() {
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toString());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1100,800");
        return new ChromeDriver(service, options);
    }

    private void screenshot(String name) throws IOException {
        Files.createDirectories(SHOTS);
        File shot = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
