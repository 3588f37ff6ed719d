import { describe, expect, it } from "vitest";
import { attributesOf, fieldsOf, humanize, valuesOf } from "./schemaForm";

const server = {
  type: "object",
  properties: {
    os: { type: "string", description: "Operating system" },
    cpu_cores: { type: "integer", minimum: 1 },
    ram_gb: { type: "number", minimum: 0.5, maximum: 4096 },
    ip_address: { type: "string", format: "ipv4" },
    engine: { type: "string", enum: ["postgres", "mysql"] },
    virtual: { type: "boolean" },
    tags: { type: "array", items: { type: "string" } },
  },
  required: ["os"],
};

describe("schema → form fields", () => {
  it("makes one field per property with its kind, requirement and hint", () => {
    const fields = fieldsOf(server);
    expect(fields.map((f) => [f.key, f.kind, f.required])).toEqual([
      ["os", "string", true],
      ["cpu_cores", "integer", false],
      ["ram_gb", "number", false],
      ["ip_address", "string", false],
      ["engine", "enum", false],
      ["virtual", "boolean", false],
      ["tags", "json", false],
    ]);
    expect(fields[1]!.hint).toBe("At least 1.");
    expect(fields[2]!.hint).toBe("From 0.5 to 4096.");
    expect(fields[3]!.hint).toMatch(/IPv4/);
    expect(fields[4]!.options).toEqual(["postgres", "mysql"]);
    expect(fields[0]!.label).toBe("OS");
    expect(fields[0]!.hint).toBe("Operating system");
  });

  it("has no fields without a schema or properties", () => {
    expect(fieldsOf(null)).toEqual([]);
    expect(fieldsOf({ type: "object" })).toEqual([]);
  });

  it("labels keys as words", () => {
    expect(humanize("cpu_cores")).toBe("CPU cores");
    expect(humanize("ip_address")).toBe("IP address");
    expect(humanize("ram_gb")).toBe("RAM GB");
    expect(humanize("expires_at")).toBe("Expires at");
  });
});

describe("form values ↔ attributes", () => {
  const fields = fieldsOf(server);

  it("turns text into typed attributes, leaving empty fields out", () => {
    const values = { os: " Ubuntu ", cpu_cores: "4", ram_gb: "7.5", ip_address: "", engine: "mysql", virtual: true, tags: '["a"]' };
    expect(attributesOf(fields, values)).toEqual({
      attributes: { os: "Ubuntu", cpu_cores: 4, ram_gb: 7.5, engine: "mysql", virtual: true, tags: ["a"] },
      errors: {},
    });
  });

  it("names what the browser can tell is wrong and keeps attributes the schema does not name", () => {
    const r = attributesOf(fields, { cpu_cores: "2.5", ram_gb: "lots", tags: "[" }, { rack: "B4", os: "old" });
    expect(r.errors).toEqual({ cpu_cores: "Enter a whole number.", ram_gb: "Enter a number.", tags: "Enter valid JSON." });
    expect(r.attributes).toEqual({ rack: "B4", virtual: false });
  });

  it("leaves a server-side check to the server (a cpu_cores of 0 is sent)", () => {
    expect(attributesOf(fields, { cpu_cores: "0" }).attributes).toMatchObject({ cpu_cores: 0 });
  });

  it("fills the form from a CI's attributes and back to the same object", () => {
    const attrs = { os: "Debian", cpu_cores: 8, virtual: true, tags: ["x"] };
    const v = valuesOf(fields, attrs);
    expect(v).toEqual({ os: "Debian", cpu_cores: "8", ram_gb: "", ip_address: "", engine: "", virtual: true, tags: '["x"]' });
    expect(attributesOf(fields, v).attributes).toEqual(attrs);
  });
});
