package dev.gauntlet.harness.report;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXParseException;

/**
 * The strict check that the report is well formed: the JDK's XML parser, which rejects any
 * unclosed element, unquoted or valueless attribute, undefined entity or stray {@code <} or
 * {@code &} (HTML parsers silently repair all of these). No external entities or DTDs are loaded.
 */
public final class Xhtml {
  private Xhtml() {}

  /** Parses {@code text}; any well-formedness error fails with its line and column. */
  public static Document parse(String text) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
      f.setExpandEntityReferences(false);
      DocumentBuilder b = f.newDocumentBuilder();
      b.setErrorHandler(new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) throws SAXParseException {
          throw e;
        }

        @Override
        public void error(SAXParseException e) throws SAXParseException {
          throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXParseException {
          throw e;
        }
      });
      return b.parse(new InputSource(new StringReader(text)));
    } catch (SAXParseException e) {
      String[] lines = text.split("\n", -1);
      String line = e.getLineNumber() > 0 && e.getLineNumber() <= lines.length ? lines[e.getLineNumber() - 1] : "";
      throw new AssertionError("not well formed at line " + e.getLineNumber() + ", column " + e.getColumnNumber() + ": " + e.getMessage()
          + "\n  " + line.substring(0, Math.min(line.length(), 300)), e);
    } catch (Exception e) {
      throw new AssertionError("cannot parse: " + e, e);
    }
  }

  /** Elements matching an XPath expression (use {@code local-name()} to ignore namespaces). */
  public static List<Element> all(Node context, String xpath) {
    try {
      NodeList nl = (NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, context, XPathConstants.NODESET);
      List<Element> out = new ArrayList<>();
      for (int i = 0; i < nl.getLength(); i++) {
        out.add((Element) nl.item(i));
      }
      return out;
    } catch (Exception e) {
      throw new AssertionError("bad xpath " + xpath + ": " + e, e);
    }
  }

  /** The one element matching {@code xpath}; fails if there is not exactly one. */
  public static Element one(Node context, String xpath) {
    List<Element> l = all(context, xpath);
    if (l.size() != 1) {
      throw new AssertionError("expected exactly one " + xpath + ", found " + l.size());
    }
    return l.get(0);
  }

  /** Text content with runs of white space collapsed. */
  public static String text(Node n) {
    return n.getTextContent().replaceAll("\\s+", " ").trim();
  }

  /** XPath step for an HTML element by local name, e.g. {@code el("table")} gives {@code *[local-name()='table']}. */
  public static String el(String name) {
    return "*[local-name()='" + name + "']";
  }
}
