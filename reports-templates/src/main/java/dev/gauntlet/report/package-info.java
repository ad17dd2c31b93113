/**
 * Resources only: the Freemarker templates ({@code report.ftlh}) and stylesheet ({@code report.css})
 * of the HTML audit report, under {@code dev/gauntlet/report/} on the classpath. The harness's
 * {@code HtmlReport} renders them.
 */
package dev.gauntlet.report;
