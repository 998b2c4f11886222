package dev.toolgate.observe;

import dev.toolgate.testing.ObservedModes;
import dev.toolgate.testing.Sdk;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live traffic page in a real browser (Debian's headless Chromium, driven by Selenium through
 * chromedriver) while real clients call tools: each call shows up within a second, the filters and
 * the pause work, and the panels show the tools' statistics, the upstreams' health and the routes'
 * tools with their ACLs. A screenshot is left in {@code target/dashboard-live.png}.
 */
@Timeout(120)
class LiveTrafficPageIT {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    static ObservedModes modes;
    static WebDriver browser;
    static Path profile;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
                "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver; .ci/run does): skipped");
        modes = ObservedModes.start("", "{log_statistics: true, log_payloads: true}");
        profile = Files.createTempDirectory("chromium-profile");
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile()).addArguments("--headless",
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1600,1000", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.get(modes.gateway().admin("/dashboard").toString());
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(d -> "live".equals(text("connection")));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (modes != null) {
            modes.close();
        }
    }

    @Test
    void callsAppearWithinASecondAndTheFiltersPauseAndPanelsWork() throws Exception {
        call(modes.conversion(), "get_widget", Map.of("path_id", "42"));
        awaitRow("get_widget", Duration.ofSeconds(1));
        call(modes.passthrough(), "echo", Map.of("message", "hello page"));
        awaitRow("echo", Duration.ofSeconds(1));
        call(modes.listener(), "list_gadgets", Map.of());
        awaitRow("list_gadgets", Duration.ofSeconds(1));
        call(modes.conversion(), "get_widget", Map.of("path_id", "7"));
        new WebDriverWait(browser, Duration.ofSeconds(1)).until(d -> rows().contains("get_widget error"));

        type("filter-tool", "echo");
        assertThat(rows()).isNotEmpty().allSatisfy(r -> assertThat(r).startsWith("echo "));
        type("filter-tool", "");
        browser.findElement(By.id("filter-errors")).click();
        assertThat(rows()).isNotEmpty().allSatisfy(r -> assertThat(r).endsWith(" error"));
        browser.findElement(By.id("filter-errors")).click();

        // a payload is shown where the route logs payloads: click the echo row
        script("[...document.querySelectorAll('#messages tbody tr')].find(r => r.dataset.tool === 'echo').click()");
        assertThat(browser.findElement(By.id("detail")).getText()).contains("hello page")
                .as("its session shown as a tag, never its Mcp-Session-Id").containsPattern("\"session\": \"[0-9a-f]{12}\"");

        browser.findElement(By.id("pause")).click();
        int shown = rows().size();
        call(modes.passthrough(), "add", Map.of("a", 1, "b", 2));
        Thread.sleep(1200);
        assertThat(rows()).hasSize(shown);
        browser.findElement(By.id("pause")).click();
        awaitRow("add", Duration.ofSeconds(1));

        new WebDriverWait(browser, Duration.ofSeconds(5)).until(d -> text("tools").contains("get_widget")
                && text("upstreams").contains("healthy") && text("routes").contains("list_orders allow: alice"));
        assertThat(text("tools")).contains("list_gadgets", "echo");
        assertThat(text("routes")).contains("delete_orders allow: — deny: alice", "passthrough-listener");

        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Path artifact = Path.of("target", "dashboard-live.png");
        Files.createDirectories(artifact.getParent());
        Files.copy(shot.toPath(), artifact, StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(artifact)).isPositive();
    }

    @Test
    void aBurstOfCallsRedrawsTheTableAFewTimesASecondNotOnceForEachMessage() {
        script("window.redraws = 0; window.burst = performance.now(); new MutationObserver((records) => { window.redraws += records"
                + ".filter((r) => r.addedNodes.length > 0).length; })"
                + ".observe(document.querySelector('#messages tbody'), {childList: true})");
        int calls = 150;
        try (McpSyncClient client = Sdk.connect(modes.conversion())) {
            for (int i = 0; i < calls; i++) {
                client.callTool(new McpSchema.CallToolRequest("get_widget", Map.of("path_id", "42")));
            }
        }
        new WebDriverWait(browser, Duration.ofSeconds(5)).until(d -> ((Number) script(
                "return [...document.querySelectorAll('#messages tbody tr')].filter(r => r.dataset.tool === 'get_widget').length"))
                .intValue() >= Math.min(calls, 150));
        // every message redrew the whole table before: the page stalled on a busy gateway
        double seconds = ((Number) script("return (performance.now() - window.burst) / 1000")).doubleValue();
        assertThat(((Number) script("return window.redraws")).intValue()).isPositive().isLessThan(calls / 2)
                .isLessThanOrEqualTo((int) (seconds * 10) + 3);
    }

    private static void call(URI endpoint, String tool, Map<String, Object> arguments) {
        try (McpSyncClient client = Sdk.connect(endpoint)) {
            client.callTool(new McpSchema.CallToolRequest(tool, arguments));
        }
    }

    private static void awaitRow(String tool, Duration within) {
        new WebDriverWait(browser, within).until(d -> rows().stream().anyMatch(r -> r.startsWith(tool + " ")));
    }

    /** The rows shown, as {@code "<tool> <status>"}, read in one go (the page redraws the table as messages arrive). */
    @SuppressWarnings("unchecked")
    private static List<String> rows() {
        return (List<String>) script("return [...document.querySelectorAll('#messages tbody tr')]"
                + ".map(r => r.dataset.tool + ' ' + r.dataset.status)");
    }

    private static Object script(String js) {
        return ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(js);
    }

    private static void type(String id, String text) {
        WebElement input = browser.findElement(By.id(id));
        input.clear();
        if (!text.isEmpty()) {
            input.sendKeys(text);
        } else {
            // clear() fires no input event: tell the page
            ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                    "arguments[0].dispatchEvent(new Event('input'))", input);
        }
    }

    private static String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }
}
