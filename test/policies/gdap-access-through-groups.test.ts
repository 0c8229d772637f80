import policy from "../../policies/gdap-access-through-groups.js";
import { gdapRelationships } from "../../src/model/facts/gdap.js";
import { testAbsentFacts } from "../helpers/absent-facts.js";
import { gdapInventory, relationship, role } from "../helpers/gdap-facts.js";
import { testPolicy } from "../helpers/policy-tester.js";

const now = new Date("2026-12-07T12:00:00Z");

testPolicy(policy, {
  pass: [
    {
      name: "every role held by an active security-group assignment, no auto-extension",
      inventory: gdapInventory({ relationships: [relationship("ok")] }),
      now,
    },
    {
      name: "auto-extending, but with no privileged role (Exchange Administrator is not labelled privileged)",
      inventory: gdapInventory({
        relationships: [relationship("mail", { roles: [role.exchangeAdmin], autoExtendDuration: "P180D" })],
      }),
      now,
    },
  ],
  fail: [
    {
      name: "no access assignment: the roles are held by no group",
      inventory: gdapInventory({
        relationships: [relationship("bare", { accessAssignments: { status: "read", items: [] } })],
      }),
      now,
      severity: "medium",
      message: ["no security group holds its roles"],
    },
    {
      name: "an assignment that is not active does not count",
      inventory: gdapInventory({
        relationships: [
          relationship("pending", {
            accessAssignments: {
              status: "read",
              items: [
                {
                  id: "a",
                  status: "pending",
                  containerType: "securityGroup",
                  groupId: "g",
                  roles: [role.helpdeskAdmin],
                },
              ],
            },
          }),
        ],
      }),
      now,
      message: ["no security group holds its roles"],
    },
    {
      name: "a role no group holds",
      inventory: gdapInventory({
        relationships: [
          relationship("partial", {
            roles: [role.helpdeskAdmin, role.exchangeAdmin],
            accessAssignments: {
              status: "read",
              items: [
                {
                  id: "a",
                  status: "active",
                  containerType: "securityGroup",
                  groupId: "g",
                  roles: [role.helpdeskAdmin],
                },
              ],
            },
          }),
        ],
      }),
      now,
      message: ["roles no group holds: Exchange Administrator"],
    },
    {
      name: "auto-extends with Global Administrator",
      inventory: gdapInventory({
        relationships: [relationship("ga", { roles: [role.globalAdmin], autoExtendDuration: "P180D" })],
      }),
      now,
      severity: "high",
      message: ["auto-extends by P180D", "Global Administrator"],
    },
    {
      name: "expired relationship",
      inventory: gdapInventory({
        relationships: [relationship("old", { status: "expired", endDateTime: "2026-05-30T10:00:00Z" })],
      }),
      now,
      severity: "low",
      message: ["expired on 2026-05-30"],
    },
    {
      name: "past its end date while still active",
      inventory: gdapInventory({
        relationships: [relationship("late", { endDateTime: "2026-11-01T00:00:00Z" })],
      }),
      now,
      message: ["past its end date"],
    },
  ],
  unknown: [
    {
      name: "access assignments not read",
      inventory: gdapInventory({
        relationships: [
          relationship("x", { accessAssignments: { status: "unavailable", reason: "HTTP 503", items: [] } }),
        ],
      }),
      now,
      message: ["HTTP 503"],
    },
    {
      name: "relationships not read",
      inventory: gdapInventory({ status: "unavailable", reason: "HTTP 403", relationships: [] }),
      now,
      message: ["HTTP 403"],
    },
  ],
  silent: [
    {
      name: "terminated relationships are over",
      inventory: gdapInventory({ relationships: [relationship("t", { status: "terminated" })] }),
      now,
    },
  ],
});

testAbsentFacts(policy, gdapRelationships);
